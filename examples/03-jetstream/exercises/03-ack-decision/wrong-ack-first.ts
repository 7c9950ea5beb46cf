// wrong: ack as soon as the message arrives ("we got it"), then do the work: looks the same until a worker dies mid-send
// expect: acked before the email was sent
import type { JsMsg } from '@nats-io/jetstream';
import type { EmailService, HandleOptions } from './exercise';

export async function handle(msg: JsMsg, email: EmailService, opts: HandleOptions): Promise<void> {
  let orderId: string;
  try {
    orderId = msg.json<{ orderId: string }>().orderId;
    if (!orderId) throw new Error('no orderId');
  } catch {
    msg.term();
    return;
  }
  await msg.ackAck(); // the message is gone from here on, whatever happens next
  for (let attempt = 1; attempt <= opts.maxDeliveries; attempt++) {
    try {
      await email.send(orderId);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, opts.nakDelayMs));
    }
  }
}
