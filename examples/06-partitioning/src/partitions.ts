// How a user's events find their partition: userId % N picks a partition, and the partition number
// is a subject token (order.partition.<N>.<event>), so one consumer per partition sees all the events
// of its users in the order they were published.
import { deleteStreamIfExists, ensureStream, ordersStreamConfig, publishJson } from '@mq/shared';
import type { JetStreamClient, JetStreamManager, PubAck } from '@nats-io/jetstream';

export const ORDER_EVENTS = ['created', 'paid', 'shipped'] as const;
export type OrderEvent = (typeof ORDER_EVENTS)[number];

/** One order event as published: who, which order, what happened. */
export interface OrderEventMsg {
  userId: number;
  orderId: string;
  event: OrderEvent;
}

/**
 * The stream for partitioned events. The story's ORDERS stream listens on `order.*`, and `*` is
 * exactly one token, so it does not capture the four-token `order.partition.3.created`.
 * Why `order.partition.*.*` and not `order.partition.>`: `>` would also claim `order.partition.dlq`,
 * which lesson 07's DLQ stream (`order.*.dlq`) owns, and the server refuses overlapping streams.
 */
export const PARTITION_STREAM = 'ORDER_PARTITIONS';
export const PARTITION_SUBJECTS = 'order.partition.*.*';

export function partitionOf(userId: number, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  // The story's Go code does int64 % 10, which is negative for a negative id: refuse instead.
  if (!Number.isSafeInteger(userId) || userId < 0) throw new RangeError(`userId must be a non-negative integer, got ${userId}`);
  return userId % partitions;
}

export function partitionSubject(e: Pick<OrderEventMsg, 'userId' | 'event'>, partitions: number): string {
  return `order.partition.${partitionOf(e.userId, partitions)}.${e.event}`;
}

/** The filter of partition `p`'s consumer; no two partitions' filters overlap. */
export function partitionFilter(p: number): string {
  return `order.partition.${p}.*`;
}

/** Start every scene from an empty stream (work-queue, like the story's ORDERS, but on order.partition.*.*). */
export async function resetPartitionStream(jsm: JetStreamManager): Promise<void> {
  await deleteStreamIfExists(jsm, PARTITION_STREAM);
  await ensureStream(jsm, ordersStreamConfig({ name: PARTITION_STREAM, subjects: [PARTITION_SUBJECTS] }));
}

export async function publishEvents(js: JetStreamClient, events: OrderEventMsg[], partitions: number): Promise<PubAck[]> {
  const acks: PubAck[] = [];
  for (const e of events) acks.push(await publishJson(js, partitionSubject(e, partitions), e));
  return acks;
}

/** Each user's orders as created -> paid -> shipped, users interleaved the way a busy shop publishes them. */
export function orderEvents(userIds: number[], ordersPerUser = 1): OrderEventMsg[] {
  const out: OrderEventMsg[] = [];
  for (let o = 1; o <= ordersPerUser; o++) {
    for (const event of ORDER_EVENTS) {
      for (const userId of userIds) out.push({ userId, orderId: `U${userId}-O${o}`, event });
    }
  }
  return out;
}
