// What happens to one email task: the mail relay is called (its latency is what the "processing
// latency" alert watches); a relay that refuses an address fails the message, which is retried
// after a delay; after RETRIES_ALLOWED retries the message is dead-lettered (published to
// l12.order.email.dlq with lesson 07's headers, then term()'d). This worker allows 5 retries, so
// the story's "retries > 3" alert warns two deliveries before the DLQ takes the message.
import { delay, type Handler } from '@mq/shared';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';

export const RETRIES_ALLOWED = 5;

/** The mail relay the worker calls: how slow it is and which addresses it refuses can change mid-run. */
export class MailRelay {
  latencyMs = 2;
  readonly refused = new Map<string, string>();
  private gate?: Promise<void>;
  /** Stop answering until the returned release() is called (a test holds a burst in the queue). */
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.gate = undefined;
      release();
    };
  }
  async send(to: string): Promise<void> {
    if (this.gate) await this.gate;
    await delay(this.latencyMs);
    const why = this.refused.get(to);
    if (why) throw new Error(why);
  }
}

export interface HandlerHooks {
  /** Every delivery, before the relay is called. */
  onDelivery?: (msg: JsMsg) => void;
  /** How long the relay call took, whatever its outcome. */
  onHandled?: (msg: JsMsg, ms: number) => void;
  onDeadLetter?: (msg: JsMsg, error: string) => void;
}

export function emailHandler(js: JetStreamClient, relay: MailRelay, o: { nakDelayMs: number; dlqSubject: string } & HandlerHooks): Handler {
  return async (msg) => {
    o.onDelivery?.(msg);
    const { email } = msg.json<{ email: string }>();
    const t0 = performance.now();
    try {
      await relay.send(email);
      return 'ack';
    } catch (err) {
      const error = (err as Error).message;
      if (msg.info.deliveryCount <= RETRIES_ALLOWED) return { nak: true, delayMs: o.nakDelayMs };
      await deadLetter(js, msg, o.dlqSubject, error);
      o.onDeadLetter?.(msg, error);
      return { term: true, reason: 'retries-exhausted' };
    } finally {
      o.onHandled?.(msg, performance.now() - t0);
    }
  };
}

async function deadLetter(js: JetStreamClient, msg: JsMsg, dlqSubject: string, error: string): Promise<void> {
  const h = natsHeaders();
  h.set('Dlq-Original-Subject', msg.subject);
  h.set('Dlq-Original-Stream', msg.info.stream);
  h.set('Dlq-Original-Seq', String(msg.seq));
  h.set('Dlq-Consumer', msg.info.consumer);
  h.set('Dlq-Delivery-Count', String(msg.info.deliveryCount));
  h.set('Dlq-Last-Error', error);
  h.set('Dlq-Reason', 'retries-exhausted');
  h.set('Dlq-Failed-At', new Date().toISOString());
  await js.publish(dlqSubject, msg.data, { headers: h, msgID: `dlq:${msg.info.stream}:${msg.seq}` });
}
