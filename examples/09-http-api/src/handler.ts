// What one member of the group does with one delivery: the business decision. A payload that is
// not JSON is given up at once (term: retrying cannot fix it; seed 001's worker nak'd it forever).
// A failed delivery is nak'd with a delay, so JetStream hands it back later, to this member or
// another; on the last delivery this member gives it up itself (term) rather than leave it to the
// server's max_deliver, which would drop it from the group without a word (only an advisory says so).
import { delay, MalformedPayloadError, parseTask, type HandlerResult } from '@mq/shared';
import type { JsMsg } from '@nats-io/jetstream';

export interface HandlerOptions {
  nakDelayMs: number;
  /** The delivery on which this member gives up (term). Infinity: never, and the server's max_deliver decides. */
  giveUpOnDelivery: number;
  /** Simulated work per message, ms. */
  workMs: number;
  /** Decide per delivery whether processing fails (FAIL_RATE, or exact failures in tests). */
  fails: (orderId: string, deliveryCount: number) => boolean;
  /** Told the order id of a delivery it could parse, for the log. */
  onOrder?: (seq: number, orderId: string) => void;
}

// #region look-handler
export function orderHandler(opts: HandlerOptions): (msg: JsMsg) => Promise<HandlerResult> {
  return async (msg) => {
    let payload: { order_id?: unknown };
    try {
      payload = parseTask<{ order_id?: unknown }>(msg.data, []);
    } catch (err) {
      if (err instanceof MalformedPayloadError) return { term: true, reason: err.message }; // retrying cannot fix it
      throw err;
    }
    const orderId = typeof payload.order_id === 'string' ? payload.order_id : '-';
    opts.onOrder?.(msg.seq, orderId);
    await delay(opts.workMs); // the downstream call the story's worker makes
    const delivery = msg.info.deliveryCount; // 1 on the first delivery, 2 on the first redelivery, ...
    if (!opts.fails(orderId, delivery)) return 'ack';
    if (delivery >= opts.giveUpOnDelivery) return { term: true, reason: `failed ${delivery} times, giving up` };
    return { nak: true, delayMs: opts.nakDelayMs }; // JetStream redelivers it after the delay
  };
}
// #endregion look-handler
