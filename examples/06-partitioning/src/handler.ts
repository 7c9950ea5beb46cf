// The worker's side of a scene: "process" an order event by waiting the planned time, then ack it
// or, if the plan says this attempt fails, nak it for a retry. Everything lands in the ProcessingLog.
import { delay, hashUnit, type Handler } from '@mq/shared';
import type { OrderEvent, OrderEventMsg } from './partitions';
import type { ProcessingLog } from './processing-log';

export interface WorkPlan {
  /** How long processing this delivery takes, ms. */
  workMs(e: OrderEventMsg, delivery: number): number;
  /** Whether this delivery fails and is nak'd. */
  fails(e: OrderEventMsg, delivery: number): boolean;
}

/** The same duration for every event of a kind, never failing (the story's 20 / 10 / 15 ms). */
export function fixedPlan(ms: Record<OrderEvent, number>): WorkPlan {
  return { workMs: (e) => ms[e.event], fails: () => false };
}

/** Seeded random durations in [minMs, maxMs] and random failures (first and second deliveries only). */
export function randomPlan(seed: number, opts: { minMs: number; maxMs: number; failRate: number }): WorkPlan {
  const key = (what: string, e: OrderEventMsg, d: number) => `${seed}:${what}:${e.orderId}:${e.event}:${d}`;
  return {
    workMs: (e, d) => opts.minMs + Math.floor(hashUnit(key('work', e, d)) * (opts.maxMs - opts.minMs + 1)),
    fails: (e, d) => d <= 2 && hashUnit(key('fail', e, d)) < opts.failRate,
  };
}

export function eventHandler(log: ProcessingLog, worker: string, plan: WorkPlan, nakDelayMs: number): Handler {
  return async (msg) => {
    const e = msg.json<OrderEventMsg>();
    const delivery = msg.info.deliveryCount;
    const attempt = log.begin(e, delivery, worker);
    await delay(plan.workMs(e, delivery));
    if (plan.fails(e, delivery)) {
      log.end(attempt, 'nak');
      return { nak: true, delayMs: nakDelayMs };
    }
    log.end(attempt, 'ack');
  };
}
