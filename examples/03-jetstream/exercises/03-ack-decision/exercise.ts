// Exercise 03-ack-decision: you are the email worker. For each delivery of an email task, decide
// what the server should do with it, and tell it: ack (done, delete it), nak with a delay (try
// again later), or term (never again). `pnpm verify 03-ack-decision` runs your handle() against a
// private nats-server with a flaky mail server; `pnpm hint 03-ack-decision` when stuck.
import { NotWrittenYet } from '@mq/shared/workshop';
import type { JsMsg } from '@nats-io/jetstream';

/** The mail server. send() throws when it fails (a transient failure: it may work next time). */
export interface EmailService {
  send(orderId: string): Promise<void>;
}

export interface HandleOptions {
  /** How long the server should wait before redelivering a nak'd message. */
  nakDelayMs: number;
  /** The story's limit: on this delivery (NumDelivered > 3, so 4), stop retrying. */
  maxDeliveries: number;
}

/**
 * One delivery of an email task. The payload should be JSON like
 * {"orderId": "ORD-0001", "email": "user1001@example.com", "subject": "Order confirmation"}.
 * msg.info.deliveryCount is 1 on the first delivery, 2 on the first redelivery, ...
 * Settle the message yourself: await msg.ackAck(), msg.nak(delayMs) or msg.term().
 */
export async function handle(msg: JsMsg, email: EmailService, opts: HandleOptions): Promise<void> {
  void msg;
  void email;
  void opts;
  throw new NotWrittenYet('handle(): decide ack, nak with a delay, or term for this delivery');
}
