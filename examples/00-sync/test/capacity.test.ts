// Little's law, exactly: the chapter's 245 and 15,000 and what a pool of 10 can do.
import { describe, expect, it } from 'vitest';
import { backlogAfter, maxThroughputPerS, requiredConcurrency } from '../src/capacity';
import { healthyLatencyMs, scaledLatencies } from '../src/scenarios';

describe("Little's law for the synchronous design", () => {
  it('500 orders/s at 490 ms each needs 245 requests in flight; with a 30 s SMTP timeout, 15,000', () => {
    expect(requiredConcurrency(500, healthyLatencyMs())).toBe(245);
    expect(requiredConcurrency(500, 30_000)).toBe(15_000);
    // the whole timed-out request is 30 s + the other four steps
    expect(requiredConcurrency(500, 30_000 + 290)).toBe(15_145);
    expect(requiredConcurrency(10, 490)).toBeCloseTo(4.9, 10); // the day-1 load: 10 orders/s
  });

  it('a pool of 10 handlers finishes at most 10 / 0.49 s = 20.4 orders/s; 245 would exactly keep up', () => {
    expect(maxThroughputPerS(10, 490)).toBeCloseTo(20.408, 3);
    expect(maxThroughputPerS(245, 490)).toBe(500);
    expect(maxThroughputPerS(10, 30_290)).toBeCloseTo(0.33, 2);
  });

  it('the backlog grows by arrivals minus throughput, and never goes negative', () => {
    expect(backlogAfter(500, maxThroughputPerS(10, 490), 10)).toBeCloseTo(4795.9, 1);
    expect(backlogAfter(10, 20, 60)).toBe(0);
  });

  it('the story latencies add up to 490 ms and scale linearly', () => {
    expect(scaledLatencies(1)).toEqual({ ordersDb: 50, inventory: 100, email: 200, points: 80, push: 60 });
    expect(healthyLatencyMs(0.1)).toBeCloseTo(49, 10);
  });
});
