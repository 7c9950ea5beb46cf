// What lesson 12 creates on a server, all in its scope: L12_ORDERS (the story's work queue, on
// l12.order.*), L12_DLQ for the poison message (l12.order.*.dlq), and the durable email-worker.
import { deleteStreamIfExists, ensureDurable, ensureStream, lessonScope, ordersStreamConfig } from '@mq/shared';
import { RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';

export const scope = lessonScope('12');

export const NAMES = {
  stream: scope.stream('ORDERS'),
  dlqStream: scope.stream('DLQ'),
  subject: scope.subject('order.email'),
  dlqSubject: scope.subject('order.email.dlq'),
  consumer: 'email-worker',
  redisQueue: scope.key('queue:email'),
  redisProcessing: scope.key('processing:email'),
} as const;

export async function setupNats(jsm: JetStreamManager, o: { ackWaitMs: number }): Promise<void> {
  await teardownNats(jsm);
  await ensureStream(jsm, ordersStreamConfig({ name: NAMES.stream, subjects: [scope.subject('order.*')] }));
  await ensureStream(jsm, { name: NAMES.dlqStream, subjects: [scope.subject('order.*.dlq')], storage: StorageType.File, retention: RetentionPolicy.Limits });
  await ensureDurable(jsm, NAMES.stream, NAMES.consumer, { filterSubject: NAMES.subject, ackWaitMs: o.ackWaitMs });
}

export async function teardownNats(jsm: JetStreamManager): Promise<void> {
  await deleteStreamIfExists(jsm, NAMES.stream);
  await deleteStreamIfExists(jsm, NAMES.dlqStream);
}
