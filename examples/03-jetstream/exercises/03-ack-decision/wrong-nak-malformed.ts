// wrong: the seed's worker: a payload that does not parse is nak'd like any failure, so it comes back forever
// expect: does not parse
import type { JsMsg } from '@nats-io/jetstream';
import type { EmailService, HandleOptions } from './exercise';

export async function handle(msg: JsMsg, email: EmailService, opts: HandleOptions): Promise<void> {
  let orderId: string;
  try {
    orderId = msg.json<{ orderId: string }>().orderId;
  } catch {
    msg.nak(); // "try again": the bytes will be just as broken next time
    return;
  }
  try {
    await email.send(orderId);
  } catch {
    if (msg.info.deliveryCount >= opts.maxDeliveries) msg.term();
    else msg.nak(opts.nakDelayMs);
    return;
  }
  await msg.ackAck();
}
