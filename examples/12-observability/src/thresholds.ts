// The story's production checklist, as numbers: page someone when more than 10,000 messages wait
// (add consumers), when processing takes longer than 100 ms (find the bottleneck), or when a
// message has been retried more than 3 times (read the business logic). The demo scales only the
// backlog: a 10,000-message burst is slow to publish on a laptop, so it alerts above 200 unless
// --real-timings (or --pending-threshold) says otherwise. 100 ms and 3 retries need no scaling.

export interface Thresholds {
  /** Messages waiting to be delivered (the consumer's num_pending), alert above. */
  pending: number;
  /** Median handling time of the last LATENCY_WINDOW messages, ms, alert above. */
  latencyMs: number;
  /** Retries of one message still in the queue (deliveries - 1), alert above. */
  retries: number;
}

export const STORY_THRESHOLDS: Thresholds = { pending: 10_000, latencyMs: 100, retries: 3 };
export const SCALED_THRESHOLDS: Thresholds = { pending: 200, latencyMs: 100, retries: 3 };

/** How many recent messages the latency figure averages. */
export const LATENCY_WINDOW = 10;

export function thresholdsFor(real: boolean, overrides: Partial<Thresholds> = {}): Thresholds {
  return { ...(real ? STORY_THRESHOLDS : SCALED_THRESHOLDS), ...overrides };
}
