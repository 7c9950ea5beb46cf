// wrong: one attempt, with a message id, and the error goes up to the caller, who logs it and moves
// on: every order whose attempt met the outage is lost.
// expect: never reached the stream
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Order } from '@mq/shared';

export const ORDER_SUBJECT = 'order.created';

export async function publishOrder(js: JetStreamClient, order: Order): Promise<void> {
  await js.publish(ORDER_SUBJECT, JSON.stringify(order), { msgID: order.id });
}
