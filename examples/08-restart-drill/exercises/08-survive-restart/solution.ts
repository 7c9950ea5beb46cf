// Reference solution of 08-survive-restart: retry until a PubAck comes, and send every attempt
// with the SAME Nats-Msg-Id (the order id). An attempt that timed out after the broker stored it
// then comes back as "duplicate" instead of being stored a second time.
import type { JetStreamClient } from '@nats-io/jetstream';
import { delay, type Order } from '@mq/shared';

export const ORDER_SUBJECT = 'order.created';

const GIVE_UP_AFTER_MS = 10_000;

export async function publishOrder(js: JetStreamClient, order: Order): Promise<void> {
  const payload = JSON.stringify(order);
  const deadline = Date.now() + GIVE_UP_AFTER_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await js.publish(ORDER_SUBJECT, payload, { msgID: order.id });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await delay(Math.min(50 * attempt, 500)); // back off a little while the broker restarts
    }
  }
}
