// Why this file exists: a worker that takes a message and dies before acking is the case AckWait
// exists for. The shared PullWorker always decides (ack/nak/term), so the crash is modelled as
// what it really is: a separate connection pulls one message and closes without answering.
import { ORDERS, type Nats } from '@mq/shared';
import type { Delivery, DeliveryLog } from './delivery-log';

export interface CrashedDelivery extends Delivery {
  /**
   * performance.now() just before the pull request left. The server starts AckWait when it sends
   * the message, which is after this, so `pulledAtMs + AckWait` is a guaranteed lower bound for
   * the redelivery (`atMs`, when the message arrived here, can be later than the server's start).
   */
  pulledAtMs: number;
}

export async function takeOneAndDie(nats: Nats, consumer: string, log: DeliveryLog, name = `${consumer} (crashes)`): Promise<CrashedDelivery> {
  const c = await nats.js.consumers.get(ORDERS, consumer);
  const pulledAtMs = performance.now();
  const msg = await c.next({ expires: 2_000 });
  if (!msg) throw new Error(`${consumer} had nothing to take`);
  const d = log.received(name, msg);
  try {
    d.orderId = (msg.json() as { orderId?: string }).orderId;
  } catch {
    // not JSON: the log just has no order id
  }
  log.settle(d, 'died', 'process died before ack');
  await nats.close();
  return Object.assign(d, { pulledAtMs });
}
