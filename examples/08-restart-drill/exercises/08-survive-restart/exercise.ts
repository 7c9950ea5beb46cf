// Exercise 08-survive-restart: the shop's publisher, written to survive a broker that is SIGKILLed
// and restarted while orders are coming in. No order may be lost, and none may be stored twice.
// Write publishOrder, then: pnpm verify 08-survive-restart   (stuck? pnpm hint 08-survive-restart)
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Order } from '@mq/shared';
import { NotWrittenYet } from '@mq/shared/workshop';

/** The ORDERS stream captures `order.*`, keeps messages on disk, and has a 2-minute duplicate window. */
export const ORDER_SUBJECT = 'order.created';

/**
 * Publish one order (payload: JSON.stringify(order)) and resolve only once the stream has it,
 * that is once a PubAck came back. The broker may die at any moment: an attempt can time out
 * (after 1 s by default) or fail while it restarts, and a timed-out attempt may have been stored
 * all the same. Give up (throw) only after about 10 s.
 */
export async function publishOrder(js: JetStreamClient, order: Order): Promise<void> {
  void js; // TODO: publish with js until a PubAck comes (this line only keeps the compiler quiet)
  throw new NotWrittenYet(`publishOrder(js, ${order.id})`);
}
