// Why this file exists: the order service after the change. Only the core steps (store the
// order 50 ms, deduct stock 100 ms) stay in the request; email, points and push become three
// JetStream messages, each confirmed by a PubAck. Each carries a message id (order + task), so a
// retried publish inside the stream's duplicate window is recognised and not stored twice.
import { publishJson, tasksFor, type Order, type Shop, type TaskType } from '@mq/shared';
import { taskSubject } from './setup';
import type { JetStreamClient } from '@nats-io/jetstream';

export interface PublishedTask {
  type: TaskType;
  subject: string;
  msgId: string;
  stream: string;
  seq: number;
  duplicate: boolean;
}

export interface PlacedOrder {
  orderId: string;
  published: PublishedTask[];
  /** Tasks whose publish failed: the order still succeeds (the seed logs and moves on). */
  unpublished: { type: TaskType; error: string }[];
  /** Store order + deduct stock. */
  coreMs: number;
  /** Publishing the three tasks and waiting for their PubAcks. */
  publishMs: number;
  totalMs: number;
}

/** The message id that makes a task publish idempotent within the duplicate window. */
export function taskMsgId(orderId: string, type: TaskType): string {
  return `${orderId}:${type}`;
}

export async function placeOrder(deps: { js: JetStreamClient; shop: Shop }, order: Order): Promise<PlacedOrder> {
  const t0 = performance.now();
  await deps.shop.ordersDb.call('insert', order.id);
  await deps.shop.inventory.call('deduct', order.id);
  const t1 = performance.now();
  const published: PublishedTask[] = [];
  const unpublished: PlacedOrder['unpublished'] = [];
  for (const task of tasksFor(order)) {
    const msgId = taskMsgId(order.id, task.type);
    try {
      const subject = taskSubject(task.type);
      const ack = await publishJson(deps.js, subject, task.payload, { msgID: msgId });
      published.push({ type: task.type, subject, msgId, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate });
    } catch (err) {
      unpublished.push({ type: task.type, error: (err as Error).message });
    }
  }
  const t2 = performance.now();
  return { orderId: order.id, published, unpublished, coreMs: t1 - t0, publishMs: t2 - t1, totalMs: t2 - t0 };
}
