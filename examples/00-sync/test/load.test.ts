// The load run on the fake clock: 10 handlers, orders of exactly 490 ms, 500 orders/s arriving.
// Every number is exact, so Little's law can be checked to the order.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { maxThroughputPerS, requiredConcurrency } from '../src/capacity';
import { runLoad, type LoadOptions, type LoadResult } from '../src/load';

const base = { handlers: 10, durationMs: 5_000, timeScale: 10, arrivalPerS: 500 } as const;

async function play(opts: LoadOptions): Promise<LoadResult> {
  const run = runLoad(opts);
  await vi.runAllTimersAsync();
  return run;
}

describe('load: 10 request handlers at 500 orders/s (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('finish 10 x 10 orders of 490 ms in 5 s (10 / 0.49 s = 20.4/s) while 2,500 arrive; the line grows by ~480/s', async () => {
    // Samples every 1.25 s: well clear of the instants when a handler moves to its next order.
    const r = await play({ ...base, sampleEveryMs: 1_250 });
    expect(r.arrived).toBe(2_500);
    expect(r.meanLatencyMs).toBe(490);
    expect(r.completed).toBe(100); // each handler: floor(5000 / 490) = 10
    expect(r.started).toBe(110); // ...and an 11th started at 4,900 ms, still in flight at the end
    expect(r.backlog).toBe(2_390);
    // Handlers 2-10 first idle up to 20 ms for their first order to arrive (orders come every 2 ms),
    // so the last of the 100 answers lands between 4,900 and 4,920 ms.
    expect(r.achievedPerS).toBeGreaterThanOrEqual(100 / 4.92);
    expect(r.achievedPerS).toBeLessThanOrEqual(100 / 4.9);
    expect(r.achievedPerS / maxThroughputPerS(10, 490)).toBeGreaterThan(0.99);
    expect(r.samples).toEqual([
      { atMs: 1_250, arrived: 625, completed: 20, inFlight: 10, backlog: 595 },
      { atMs: 2_500, arrived: 1_250, completed: 50, inFlight: 10, backlog: 1_190 },
      { atMs: 3_750, arrived: 1_875, completed: 70, inFlight: 10, backlog: 1_795 },
      { atMs: 5_000, arrived: 2_500, completed: 100, inFlight: 10, backlog: 2_390 },
    ]);
    // The last orders picked up (at ~4,900 ms) had arrived around 200 ms: they queued for ~4.7 s.
    expect(r.lastWaitMs).toBeGreaterThan(4_650);
    expect(r.lastWaitMs).toBeLessThan(4_750);
    expect(requiredConcurrency(500, r.meanLatencyMs)).toBe(245);
  });

  it("with the story's 30 s SMTP timeout not one order finishes in 5 s; with 1.5 s, 10 / 1.79 s = 5.6/s", async () => {
    const story = await play({ ...base, smtpTimeoutMs: 30_000 });
    expect(story.completed).toBe(0);
    expect(story.started).toBe(10);
    expect(story.backlog).toBe(2_490);
    expect(requiredConcurrency(500, 30_290)).toBe(15_145);

    const scaled = await play({ ...base, smtpTimeoutMs: 1_500 });
    expect(scaled.meanLatencyMs).toBe(1_790);
    expect(scaled.completed).toBe(20); // 10 handlers x floor(5000 / 1790) = 2
    expect(scaled.achievedPerS / maxThroughputPerS(10, 1_790)).toBeGreaterThan(0.99);
    expect(scaled.shop.email.calls.filter((c) => c.outcome !== 'error').map((c) => c.key), 'emails that did not time out').toEqual([]);
  });

  it('at the day-1 rate of 10 orders/s the same pool keeps up: nobody waits in line', async () => {
    const r = await play({ ...base, arrivalPerS: 10 });
    expect(r.arrived).toBe(50);
    expect(r.started).toBe(50);
    expect(r.backlog).toBe(0);
    expect(r.lastWaitMs).toBe(0);
    expect(r.completed).toBe(46); // arrivals at 0, 100, ... 4,500 ms; the 4 after 4,510 ms are still in flight at 5 s
    // Little: 10/s x 0.49 s = 4.9 in flight on average: 5 for 90 ms of every 100, 4 for the other 10.
    // The samples fall on an arrival instant, just before that order starts, so they catch the 4.
    expect(r.samples.map((s) => s.inFlight)).toEqual([4, 4, 4, 4, 4]);
  });
});
