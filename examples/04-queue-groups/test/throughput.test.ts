// Throughput with 3 workers vs 1 when every email is a fixed awaited wait (I/O, not CPU): the
// story's 500 msg/s per worker is 2 ms per message, scaled to 15 ms so the gap is measurable.
// Both groups run at the same time on equal backlogs and are compared over the same window, so
// a machine busy with other test files slows both alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { backlog, drainSeconds, workersNeeded } from '../src/backlog';
import { compareThroughput, type ThroughputResult } from '../src/scene-throughput';

const ORDERS = 120;
const WORK_MS = 15;
let fx: NatsFixture;
let r: ThroughputResult;

beforeAll(async () => {
  fx = await privateNats();
  r = await compareThroughput({ url: fx.url, streamPrefix: 'ORDERS', subjectPrefix: 'order', orders: ORDERS, workMs: WORK_MS });
});
afterAll(async () => {
  await r?.stopped;
  await fx?.dispose();
});

describe('1 worker vs 3 sharing a durable, 15 ms of waiting per email', () => {
  it('the three worked off all 120 orders, each doing a share; neither side beat its per-message time', () => {
    expect(r.three.orders).toBe(ORDERS);
    for (const [w, n] of Object.entries(r.three.perWorker)) expect(n, `orders of worker ${w}`).toBeGreaterThanOrEqual(0.15 * ORDERS);
    expect(r.windowMs).toBeGreaterThanOrEqual((ORDERS / 3) * WORK_MS);
    expect(r.one.orders, 'orders the lone worker did (the ratio below divides by it)').toBeGreaterThanOrEqual(1);
    expect(r.one.orders).toBeLessThanOrEqual(Math.ceil(r.windowMs / WORK_MS));
  });

  it('in the same window the three did at least 2.5x what the lone worker did', () => {
    expect(r.ratio, `3 workers: ${r.three.orders}, 1 worker: ${r.one.orders} in ${r.windowMs} ms`).toBeGreaterThanOrEqual(2.5);
  });
});

it('the sale arithmetic: one worker falls 4,500 msg/s behind (16.2 million after an hour); ten keep up', () => {
  expect(backlog(1)).toEqual({ workers: 1, capacityPerSecond: 500, growthPerSecond: 4_500, afterOneHour: 16_200_000 });
  expect(backlog(3).growthPerSecond).toBe(3_500);
  expect(backlog(10).growthPerSecond).toBe(0);
  expect(workersNeeded()).toBe(10);
  expect(drainSeconds(16_200_000, 10)).toBe(Number.POSITIVE_INFINITY); // 10 workers only stop the growth
  expect(drainSeconds(16_200_000, 12) / 3600).toBe(4.5);
});
