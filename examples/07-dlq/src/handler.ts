// The handlers of the lesson's two workers, and the downstream faults that poison their messages.
//   email: parses the task and asks the mail relay to send it. The relay rejects one recipient's
//          domain: a fault no retry fixes, until someone fixes the domain (then: redrive).
//   push:  no dead-letter code at all. A revoked device token makes it throw on every delivery;
//          only the consumer's max_deliver and the server's advisory notice.
import { parseTask, type EmailTask, type FakeService, type Handler, type PushTask } from '@mq/shared';
import type { JsMsg } from '@nats-io/jetstream';

export class RejectedError extends Error {
  override name = 'RejectedError';
}

/** A downstream service that refuses some keys (recipients, users) with a fixed reason until `fix()`. */
export class Refusals<K> {
  private readonly refused = new Map<K, string>();
  refuse(key: K, reason: string): this {
    this.refused.set(key, reason);
    return this;
  }
  fix(key: K): void {
    this.refused.delete(key);
  }
  check(key: K): void {
    const why = this.refused.get(key);
    if (why) throw new RejectedError(why);
  }
}

export interface Attempt {
  subject: string;
  seq: number;
  delivery: number;
  key: string;
  atMs: number;
}

export function emailHandler(email: FakeService, relay: Refusals<string>, seen?: Attempt[], clock = () => performance.now()) {
  return async (msg: JsMsg): Promise<void> => {
    seen?.push({ subject: msg.subject, seq: msg.seq, delivery: msg.info.deliveryCount, key: keyOf(msg), atMs: clock() });
    const task = parseTask<EmailTask>(msg.data, ['orderId', 'email', 'subject']);
    relay.check(task.email);
    await email.call('send', task.orderId);
  };
}

export function pushHandler(push: FakeService, apns: Refusals<number>, seen?: Attempt[], clock = () => performance.now()) {
  return async (msg: JsMsg): Promise<void> => {
    seen?.push({ subject: msg.subject, seq: msg.seq, delivery: msg.info.deliveryCount, key: keyOf(msg), atMs: clock() });
    const task = parseTask<PushTask>(msg.data, ['orderId', 'userId', 'message']);
    apns.check(task.userId);
    await push.call('push', task.orderId);
  };
}

/** The order id, or the raw text for a payload that is not an order. */
function keyOf(msg: JsMsg): string {
  try {
    return String(msg.json<{ orderId?: string }>().orderId ?? msg.string());
  } catch {
    return msg.string().slice(0, 20);
  }
}

/**
 * The seed's worker (seed 001): msg.Nak() on a parse error, "put it back in the queue". A payload
 * that can never parse comes back at once, for ever: the mistake scene 1 shows and a test proves.
 */
export function seedNakHandler(onDelivery: (deliveryCount: number) => void): Handler {
  return (msg) => {
    onDelivery(msg.info.deliveryCount);
    try {
      JSON.parse(msg.string());
      return 'ack';
    } catch {
      return { nak: true };
    }
  };
}
