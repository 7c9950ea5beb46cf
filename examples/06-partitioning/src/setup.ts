// What lesson 06 creates on a server, named from its scope so it never meets another lesson's
// streams: the partition stream (work-queue, like the story's ORDERS) and, for the first scene, a
// stand-in for the story's ORDERS on `<scope>.order.*`.
import { deleteStreamIfExists, ensureStream, lessonScope, ordersStreamConfig } from '@mq/shared';
import type { JetStreamManager } from '@nats-io/jetstream';

export const scope = lessonScope('06');

/** The story's ORDERS, lesson 06's copy: L06_ORDERS on l06.order.* (one token after "order"). */
export const ORDERS_STREAM = scope.stream('ORDERS');
export const ORDERS_SUBJECTS = scope.subject('order.*');

/**
 * The stream for partitioned events. The story's ORDERS stream listens on `order.*`, and `*` is
 * exactly one token, so it does not capture the four-token `order.partition.3.created`.
 * Why `order.partition.*.*` and not `order.partition.>`: `>` would also claim `order.partition.dlq`,
 * which lesson 07's DLQ stream (`order.*.dlq`) owns, and the server refuses overlapping streams.
 */
export const PARTITION_STREAM = scope.stream('ORDER_PARTITIONS');
/** `l06.order.partition`: every partition subject starts with it. */
export const PARTITION_PREFIX = scope.subject('order.partition');
export const PARTITION_SUBJECTS = `${PARTITION_PREFIX}.*.*`;

/** Start a scene from an empty partition stream (work-queue, like the story's ORDERS). */
export async function resetPartitionStream(jsm: JetStreamManager): Promise<void> {
  await deleteStreamIfExists(jsm, PARTITION_STREAM);
  await ensureStream(jsm, ordersStreamConfig({ name: PARTITION_STREAM, subjects: [PARTITION_SUBJECTS] }));
}

/** Lesson 06's stand-in for the story's ORDERS stream (`order.*`, work-queue). */
export async function setupOrdersStream(jsm: JetStreamManager): Promise<void> {
  await ensureStream(jsm, ordersStreamConfig({ name: ORDERS_STREAM, subjects: [ORDERS_SUBJECTS] }));
}

/** Everything lesson 06 may have left on a server. */
export async function teardown(jsm: JetStreamManager): Promise<void> {
  for (const s of [PARTITION_STREAM, ORDERS_STREAM]) await deleteStreamIfExists(jsm, s);
}
