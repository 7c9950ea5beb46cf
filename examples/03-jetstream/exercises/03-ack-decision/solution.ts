// Reference solution of 03-ack-decision: term what can never parse, nak a failed send with a
// delay until the last allowed delivery, ack only after the email went out.
import type { JsMsg } from '@nats-io/jetstream';
import type { EmailService, HandleOptions } from './exercise';

export async function handle(msg: JsMsg, email: EmailService, opts: HandleOptions): Promise<void> {
  let orderId: string;
  try {
    const task = msg.json<{ orderId?: unknown; email?: unknown }>();
    if (typeof task.orderId !== 'string' || typeof task.email !== 'string') throw new Error('missing orderId or email');
    orderId = task.orderId;
  } catch {
    msg.term(); // these bytes will never parse: retrying only burns deliveries
    return;
  }
  try {
    await email.send(orderId);
  } catch {
    if (msg.info.deliveryCount >= opts.maxDeliveries) msg.term(); // the story's limit: give up
    else msg.nak(opts.nakDelayMs); // may work later: ask for a redelivery after the delay
    return;
  }
  await msg.ackAck(); // only now: the email is sent, the message may go
}
