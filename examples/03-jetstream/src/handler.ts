// Why this file exists: the worker's decision for each delivery is the heart of the chapter.
// taskHandler is the corrected email/points/push worker: ack on success, nak with a delay on a
// failure, term once the story's limit is reached (NumDelivered > 3), and term AT ONCE for a
// payload that can never parse. seedStyleHandler keeps the seed's mistake (nak a parse error,
// immediately and forever) so the lesson can show what it does. The loop that carries out the
// decision (ack / nak / term / working) is worker.ts.
import { MalformedPayloadError, parseTask, STORY, type FakeService } from '@mq/shared';
import type { JsMsg } from '@nats-io/jetstream';
import type { Delivery, DeliveryLog } from './delivery-log';
import type { SeededCoin } from './seeded-coin';

/** What the worker loop does with a delivery. */
export type Decision = { do: 'ack' } | { do: 'nak'; delayMs: number; why: string } | { do: 'term'; reason: string };

export type TaskHandler = (msg: JsMsg) => Promise<Decision>;

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
  /**
   * Tasks already done, by Nats-Msg-Id: makes the handler idempotent, so a redelivery after a
   * crash between the work and the ack is acked without doing the work again. A Set here; in a
   * real system a table written in the same transaction as the work's own effect.
   */
  done?: Set<string>;
}

// #region look-decision
export function taskHandler(opts: TaskHandlerOptions): TaskHandler {
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
      return decided(opts, d, { do: 'term', reason: `malformed: ${err.message}` });
    }
    if (d) d.orderId = orderId;
    const taskId = msg.headers?.get('Nats-Msg-Id') || `seq ${msg.seq}`;
    if (opts.done?.has(taskId)) return decided(opts, d, { do: 'ack' }, `${taskId} was done before: not again`);
    try {
      opts.coin?.aim(orderId, attempt);
      await opts.service.call(opts.op, orderId);
    } catch (err) {
      const why = (err as Error).message;
      if (attempt >= maxDeliveries) return decided(opts, d, { do: 'term', reason: `gave up after ${attempt} deliveries: ${why}` });
      return decided(opts, d, { do: 'nak', delayMs: opts.nakDelayMs, why });
    }
    opts.done?.add(taskId);
    return decided(opts, d, { do: 'ack' });
  };
}
// #endregion look-decision

/**
 * The seed's email worker, mistake included: a payload that does not parse is Nak'd with no delay
 * and no delivery limit (the limit is only checked after a failed send), so it returns forever.
 */
export function seedStyleHandler(opts: TaskHandlerOptions): TaskHandler {
  const correct = taskHandler(opts);
  return async (msg) => {
    try {
      parseTask<Record<string, unknown>>(msg.data, opts.required);
    } catch {
      return decided(opts, record(opts, msg), { do: 'nak', delayMs: 0, why: 'does not parse; the seed Naks it again' });
    }
    return correct(msg);
  };
}

function record(opts: TaskHandlerOptions, msg: JsMsg): Delivery | undefined {
  return opts.log?.received(opts.name ?? opts.op, msg);
}

function decided(opts: TaskHandlerOptions, d: Delivery | undefined, decision: Decision, note?: string): Decision {
  if (d && opts.log) {
    if (decision.do === 'ack') opts.log.settle(d, 'ack', note);
    else if (decision.do === 'term') opts.log.settle(d, 'term', decision.reason);
    else opts.log.settle(d, 'nak', `${decision.why}; ${decision.delayMs ? `retry in ${decision.delayMs} ms` : 'retry now'}`);
  }
  return decision;
}
