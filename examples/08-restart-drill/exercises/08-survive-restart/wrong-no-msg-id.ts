// wrong: retries, but without a message id. When the broker stored an order and only its PubAck was
// lost, the retry is a new message to the broker: the order is stored twice.
// expect: is in the stream twice
import type { JetStreamClient } from '@nats-io/jetstream';
import { delay, type Order } from '@mq/shared';

export const ORDER_SUBJECT = 'order.created';

export async function publishOrder(js: JetStreamClient, order: Order): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await js.publish(ORDER_SUBJECT, JSON.stringify(order));
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await delay(100);
    }
  }
}
