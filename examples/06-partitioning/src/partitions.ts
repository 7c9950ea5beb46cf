// How a user's events find their partition: userId % N picks a partition, and the partition number
// is a subject token (order.partition.<N>.<event>), so one consumer per partition sees all the events
// of its users in the order they were published.
import { PARTITION_PREFIX } from './setup';

export const ORDER_EVENTS = ['created', 'paid', 'shipped'] as const;
export type OrderEvent = (typeof ORDER_EVENTS)[number];

/** One order event as published: who, which order, what happened. */
export interface OrderEventMsg {
  userId: number;
  orderId: string;
  event: OrderEvent;
}

// #region look-partition
export function partitionOf(userId: number, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  // The story's Go code does int64 % 10, which is negative for a negative id: refuse instead.
  if (!Number.isSafeInteger(userId) || userId < 0) throw new RangeError(`userId must be a non-negative integer, got ${userId}`);
  return userId % partitions;
}

/** l06.order.partition.3.paid for user 123 with 10 partitions. */
export function partitionSubject(e: Pick<OrderEventMsg, 'userId' | 'event'>, partitions: number): string {
  return `${PARTITION_PREFIX}.${partitionOf(e.userId, partitions)}.${e.event}`;
}

/** The filter of partition `p`'s consumer; no two partitions' filters overlap. */
export function partitionFilter(p: number): string {
  return `${PARTITION_PREFIX}.${p}.*`;
}
// #endregion look-partition

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
