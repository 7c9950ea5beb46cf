// The cost of polling, measured: a task waits for the next poll (mean ~ half the interval, worst
// ~ the whole interval) where LISTEN/NOTIFY wakes a worker in milliseconds; and idle pollers keep
// querying an empty table, which PostgreSQL's own scan counter confirms query for query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateDatabase } from '@mq/shared/testing';
import { STORY, waitFor, type ResolvedService } from '@mq/shared';
import pg from 'pg';
import { measureIdle, pollsPerDay } from '../src/idle';
import { measurePickup } from '../src/pickup';
import { createSchema } from '../src/setup';

// Fresh databases: polling and LISTEN side by side for the pickups, and one more for the idle
// test, so no connection's late statistics from one experiment can land in another's counters.
// That includes the connection that created the schema: a backend publishes its table counters
// while it exits, and only then leaves pg_stat_activity (PostgreSQL runs the stats flush before
// it clears the backend's status entry). So wait until it has left before any test takes its
// `before` snapshot; otherwise its late figures could land inside a measurement.
const dbs: ResolvedService[] = [];
async function freshDb(prefix: string): Promise<ResolvedService> {
  const d = await privateDatabase(prefix);
  dbs.push(d);
  const c = new pg.Client({ connectionString: d.url });
  await c.connect();
  const pid = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  await createSchema(c);
  await c.end();
  const admin = new pg.Client({ connectionString: d.url });
  await admin.connect();
  try {
    await waitFor(async () => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 0, {
      timeoutMs: 5_000,
      intervalMs: 10,
      what: `the schema connection (pid ${pid}) to exit and publish its statistics`,
    });
  } finally {
    await admin.end();
  }
  return d;
}
let pollDb: ResolvedService;
let listenDb: ResolvedService;
let idleDb: ResolvedService;
beforeAll(async () => {
  [pollDb, listenDb, idleDb] = await Promise.all(['dbq_poll', 'dbq_listen', 'dbq_idle'].map(freshDb));
});
afterAll(async () => {
  await Promise.allSettled(dbs.map((d) => d.close()));
});

describe('pickup latency', () => {
  it('polling: mean ~ interval/2 and max ~ interval; LISTEN/NOTIFY: milliseconds', async () => {
    const interval = 200;
    const tasks = 30;
    // Both experiments at once, each on its own database, over the same seeded arrival times.
    const [poll, notify] = await Promise.all([
      measurePickup({ url: pollDb.url, mode: 'poll', pollIntervalMs: interval, tasks, windowMs: 1_200, seed: 7 }),
      measurePickup({ url: listenDb.url, mode: 'notify', pollIntervalMs: interval, tasks, windowMs: 1_200, seed: 7 }),
    ]);
    expect(poll.latenciesMs).toHaveLength(tasks);
    expect(notify.latenciesMs).toHaveLength(tasks);

    // Arrivals cover the poll cycle evenly, so a task waits between 0 and a whole cycle: half a
    // cycle on average. A cycle is the interval plus the round's own UPDATEs and timer slack, both of
    // which grow on a loaded machine, so the upper bounds use the cycle this run measured (the
    // ratio came out 0.50-0.63 in trial runs on a busy 2-core box). The lower bounds need no
    // allowance: load only makes polling slower.
    expect(poll.cycleMs).toBeGreaterThanOrEqual(interval);
    expect(poll.meanMs).toBeGreaterThan(0.3 * interval);
    expect(poll.meanMs).toBeLessThan(0.8 * poll.cycleMs);
    // With one arrival in every 40 ms slice, some task lands just after a poll and waits nearly a
    // whole cycle.
    expect(poll.maxMs).toBeGreaterThan(0.7 * interval);
    expect(poll.maxMs).toBeLessThan(poll.longestGapMs + 100);

    // The LISTEN worker never used its fallback timer: every pickup came from a NOTIFY. Its claim
    // leaves within milliseconds of the COMMIT (often before the producer has its own ack), and
    // the worker holds the task a query round trip later. Medians shrug off a loaded machine's
    // stray outlier.
    expect(notify.timerWakeups).toBe(0);
    expect(notify.p50Ms).toBeLessThan(0.1 * interval);
    expect(notify.inHandP50Ms).toBeLessThan(0.25 * interval);
    expect(notify.inHandP50Ms * 3).toBeLessThan(poll.p50Ms);
    expect(notify.meanMs).toBeLessThan(poll.meanMs);
  });
});

describe('wasted queries on an idle queue', () => {
  it('10 polling workers query an empty table every interval; 10 LISTEN workers do not', async () => {
    const workers = 10;
    const interval = 50;
    const polls = 10;
    const r = await measureIdle({ url: idleDb.url, workers, pollIntervalMs: interval, pollsPerWorker: polls });

    // Every poll found nothing.
    const total = r.poll.perWorker.reduce((a, b) => a + b, 0);
    expect(r.poll.perWorker.map((n, i) => `worker ${i + 1}: ${n} polls`).filter((_, i) => r.poll.perWorker[i] < polls), `workers with fewer than ${polls} polls`).toEqual([]);
    expect(r.poll.emptyPolls).toBe(total);
    // One query per worker per cycle; a cycle is the interval plus the query and timer slack.
    expect(r.poll.cycleMs).toBeGreaterThanOrEqual(interval);
    // (+100 ms: 20 connections and their timers share a loaded 2-core machine.)
    expect(r.poll.cycleMs).toBeLessThan(interval + 100);
    expect(total).toBeGreaterThanOrEqual(workers * Math.floor(r.elapsedMs / (interval + 100)));

    // The story: 10 workers at 1 s. With the measured per-poll overhead that is just under 864,000.
    const overhead = r.poll.cycleMs - interval;
    const perDay = pollsPerDay(10, STORY.pollIntervalMs, overhead);
    expect(pollsPerDay(10, STORY.pollIntervalMs)).toBe(864_000);
    expect(perDay).toBeLessThanOrEqual(864_000);
    expect(perDay).toBeGreaterThan(0.9 * 864_000);

    // LISTEN workers: one reap and one claim at start-up, then silence for the whole period.
    expect(r.listen.perWorker).toEqual(Array(workers).fill(2));
    // PostgreSQL counted exactly the queries the workers reported: every poll, 2 per listener.
    expect(r.dbScans).toBe(total + 2 * workers);
  });
});
