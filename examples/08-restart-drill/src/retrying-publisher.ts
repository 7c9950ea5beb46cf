// The shop's side of an outage: publish orders one after another and wait for each PubAck. When
// it does not come (timeout, broker down), try again, and, if `useMsgId`, with the SAME
// Nats-Msg-Id, so a first attempt that did land is recognised as a duplicate instead of stored twice.
import { jetstream } from '@nats-io/jetstream';
import { createInbox, headers, type NatsConnection } from '@nats-io/transport-node';
import { delay, emailTask, makeOrder } from '@mq/shared';

export interface PublishRecord {
  orderId: string;
  attempts: number;
  /** Why each failed attempt failed (error names, or "PubAck lost"). */
  failures: string[];
  /** Stream sequence from the PubAck that finally came. */
  seq: number;
  /** The broker said: I already have this message id (nothing new stored). */
  duplicate: boolean;
}

export interface RetryingPublisherOptions {
  nc: NatsConnection;
  subject: string;
  /** Orders to publish, by number (makeOrder(n)). */
  orders: number[];
  useMsgId: boolean;
  /** How long to wait for a PubAck before calling the attempt failed. */
  timeoutMs: number;
  /** Pause between attempts (a fixed retry interval). */
  retryMs: number;
  /** Give up on an order after this long (ms). */
  deadlineMs?: number;
  /**
   * Fault injection: the PubAck of this order is lost. Its first attempt is sent with a reply
   * subject nobody listens on, exactly what the shop experiences when the broker stores the
   * message and goes down before the PubAck gets back.
   */
  loseAckOf?: string;
  /** Called right after the lost-ack attempt was flushed to the broker; publishing continues when it resolves. */
  afterLostAck?: () => Promise<void>;
}

export async function publishWithRetries(opts: RetryingPublisherOptions): Promise<PublishRecord[]> {
  const js = jetstream(opts.nc, { timeout: opts.timeoutMs });
  const records: PublishRecord[] = [];
  for (const n of opts.orders) {
    const order = makeOrder(n);
    const payload = JSON.stringify(emailTask(order));
    const rec: PublishRecord = { orderId: order.id, attempts: 0, failures: [], seq: 0, duplicate: false };
    const deadline = performance.now() + (opts.deadlineMs ?? 20_000);
    if (order.id === opts.loseAckOf) {
      rec.attempts += 1;
      const h = headers();
      if (opts.useMsgId) h.set('Nats-Msg-Id', order.id);
      opts.nc.publish(opts.subject, payload, { reply: createInbox(), headers: h });
      await opts.nc.flush();
      rec.failures.push('PubAck lost');
      await opts.afterLostAck?.();
    }
    for (;;) {
      rec.attempts += 1;
      try {
        const ack = await js.publish(opts.subject, payload, opts.useMsgId ? { msgID: order.id } : {});
        rec.seq = ack.seq;
        rec.duplicate = ack.duplicate;
        break;
      } catch (err) {
        rec.failures.push((err as Error).name || 'Error');
        if (performance.now() > deadline) throw new Error(`gave up publishing ${order.id} after ${rec.attempts} attempts: ${(err as Error).message}`);
        await delay(opts.retryMs); // the publisher's retry interval
      }
    }
    records.push(rec);
  }
  return records;
}
