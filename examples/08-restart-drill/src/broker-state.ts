// What the story checks with `nats stream info ORDERS` and `nats consumer info ORDERS email-worker`,
// as one plain object, plus the publisher that fills the stream with the drill's email tasks.
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { emailTask, makeOrder, publishJson, TASK_SUBJECTS } from '@mq/shared';

export const EMAIL_WORKER = 'email-worker';

export interface BrokerState {
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  /** Consumer: messages not yet delivered to it. */
  pending: number;
  /** Consumer: how many messages it has been handed so far. */
  delivered: number;
  /** Consumer: delivered but not acknowledged yet. */
  ackPending: number;
}

export async function brokerState(jsm: JetStreamManager, stream: string, consumer = EMAIL_WORKER): Promise<BrokerState> {
  const [si, ci] = await Promise.all([jsm.streams.info(stream), jsm.consumers.info(stream, consumer)]);
  return {
    messages: si.state.messages,
    bytes: si.state.bytes,
    firstSeq: si.state.first_seq,
    lastSeq: si.state.last_seq,
    pending: ci.num_pending,
    delivered: ci.delivered.consumer_seq,
    ackPending: ci.num_ack_pending,
  };
}

/** Order ids the drill uses: ORD-0001 ... (the order id doubles as the JetStream message id). */
export function orderIds(count: number, first = 1): string[] {
  return Array.from({ length: count }, (_, i) => makeOrder(first + i).id);
}

/**
 * Publish `count` email tasks (orders first..first+count-1), each with a PubAck and its order id as
 * Nats-Msg-Id. Up to `window` publishes are in flight at once. Returns the order ids.
 */
export interface PublishOptions {
  first?: number;
  subject?: string;
  window?: number;
}

export async function publishEmailTasks(js: JetStreamClient, count: number, opts: PublishOptions = {}): Promise<string[]> {
  const first = opts.first ?? 1;
  const window = opts.window ?? 100;
  const subject = opts.subject ?? TASK_SUBJECTS.send_email;
  const ids: string[] = [];
  for (let start = 0; start < count; start += window) {
    const n = Math.min(window, count - start);
    const batch = Array.from({ length: n }, (_, i) => makeOrder(first + start + i));
    await Promise.all(batch.map((o) => publishJson(js, subject, emailTask(o), { msgID: o.id })));
    ids.push(...batch.map((o) => o.id));
  }
  return ids;
}
