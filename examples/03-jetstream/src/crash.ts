// Why this file exists: a worker that takes a message and dies before acking is the case AckWait
// exists for. The worker loop always decides (ack/nak/term), so the crash is modelled as what it
// really is: a separate connection pulls one message, maybe does the work, and closes without
// answering. Dying AFTER the work is the hole in "exactly once": the work happens twice.
import type { Nats } from '@mq/shared';
import type { JsMsg } from '@nats-io/jetstream';
import type { Delivery, DeliveryLog } from './delivery-log';
import { STREAM } from './setup';

export interface CrashedDelivery extends Delivery {
  /**
   * performance.now() just before the pull request left. The server starts AckWait when it sends
   * the message, which is after this, so `pulledAtMs + AckWait` is a guaranteed lower bound for
   * the redelivery (`atMs`, when the message arrived here, can be later than the server's start).
   */
  pulledAtMs: number;
}

export interface CrashOptions {
  /** The worker's name in the log. */
  name?: string;
  /** The work done before dying (absent: dies before doing anything). */
  work?: (msg: JsMsg) => Promise<void>;
}

export async function takeOneAndDie(nats: Nats, consumer: string, log: DeliveryLog, opts: CrashOptions = {}): Promise<CrashedDelivery> {
  const c = await nats.js.consumers.get(STREAM, consumer);
  const pulledAtMs = performance.now();
  const msg = await c.next({ expires: 2_000 });
  if (!msg) throw new Error(`${consumer} had nothing to take`);
  const d = log.received(opts.name ?? `${consumer} (crashes)`, msg);
  try {
    d.orderId = (msg.json() as { orderId?: string }).orderId;
  } catch {
    // not JSON: the log just has no order id
  }
  if (opts.work) await opts.work(msg);
  log.settle(d, 'died', opts.work ? 'did the work, then died before the ack' : 'process died before ack');
  await nats.close();
  return Object.assign(d, { pulledAtMs });
}
