// Why this file exists: the worker's decision for each delivery is the heart of the chapter.
// taskHandler is the corrected email/points/push worker: ack on success, nak with a delay on a
// failure, term once the story's limit is reached (NumDelivered > 3), and term AT ONCE for a
// payload that can never parse. seedStyleHandler keeps the seed's mistake (nak a parse error,
// immediately and forever) so the lesson can show what it does.
import { MalformedPayloadError, parseTask, STORY, type FakeService, type Handler, type HandlerResult } from '@mq/shared';
import type { JsMsg } from '@nats-io/jetstream';
import type { Delivery, DeliveryLog } from './delivery-log';
import type { SeededCoin } from './seeded-coin';

export interface TaskHandlerOptions {
  /** The downstream service the task calls (shop.email, shop.points, shop.push). */
  service: FakeService;
  op: string;
  /** Fields the payload must have. */
  required: string[];
  /** Delay for a nak after a failed attempt (the story: 30 s). */
  nakDelayMs: number;
  /** Deliveries allowed; the story terms when NumDelivered > 3, i.e. on delivery 4. */
  maxDeliveries?: number;
  log?: DeliveryLog;
  /** The worker's name in the log. */
  name?: string;
  /** Decides flaky failures per (order, attempt); see seeded-coin.ts. */
  coin?: SeededCoin;
}

export function taskHandler(opts: TaskHandlerOptions): Handler {
  const maxDeliveries = opts.maxDeliveries ?? STORY.maxDeliver;
  return async (msg) => {
    const d = record(opts, msg);
    const attempt = msg.info.deliveryCount;
    let orderId: string;
    try {
      orderId = String(parseTask<Record<string, unknown>>(msg.data, opts.required).orderId);
    } catch (err) {
      if (!(err instanceof MalformedPayloadError)) throw err;
      // Retrying cannot fix the bytes: terminate now instead of burning deliveries.
      return decide(opts, d, { term: true, reason: `malformed: ${err.message}` });
    }
    if (d) d.orderId = orderId;
    try {
      opts.coin?.aim(orderId, attempt);
      await opts.service.call(opts.op, orderId);
    } catch (err) {
      const why = (err as Error).message;
      if (attempt >= maxDeliveries) return decide(opts, d, { term: true, reason: `gave up after ${attempt} deliveries: ${why}` });
      return decide(opts, d, { nak: true, delayMs: opts.nakDelayMs }, why);
    }
    return decide(opts, d, 'ack');
  };
}

/**
 * The seed's email worker, mistake included: a payload that does not parse is Nak'd with no delay
 * and no delivery limit (the limit is only checked after a failed send), so it returns forever.
 */
export function seedStyleHandler(opts: TaskHandlerOptions): Handler {
  const correct = taskHandler(opts);
  return async (msg) => {
    try {
      parseTask<Record<string, unknown>>(msg.data, opts.required);
    } catch {
      return decide(opts, record(opts, msg), { nak: true }, 'does not parse; the seed Naks it again');
    }
    return correct(msg);
  };
}

function record(opts: TaskHandlerOptions, msg: JsMsg): Delivery | undefined {
  return opts.log?.received(opts.name ?? opts.op, msg);
}

function decide(opts: TaskHandlerOptions, d: Delivery | undefined, result: Exclude<HandlerResult, void>, detail?: string): Exclude<HandlerResult, void> {
  if (d && opts.log) {
    if (result === 'ack' || result === 'term') opts.log.settle(d, result, detail);
    else if (result === 'leave') return result;
    else if ('nak' in result) opts.log.settle(d, 'nak', [detail, result.delayMs ? `retry in ${result.delayMs} ms` : 'retry now'].filter(Boolean).join('; '));
    else opts.log.settle(d, 'term', result.reason);
  }
  return result;
}
