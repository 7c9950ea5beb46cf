// Experiment: how long does a task wait in the table before a worker picks it up?
// Tasks arrive at random moments spread over a window (seeded, so every run is the same). A polling
// worker only sees a task at its next poll, so the wait is spread evenly between 0 and the
// interval: mean about half the interval, worst case about the whole interval. A LISTEN worker is
// woken by the insert's COMMIT and waits only for the round trip.
import pg from 'pg';
import { waitFor } from '@mq/shared';
import type { TaskHandler } from './handler';
import { NaiveWorker } from './naive-worker';
import { QueueWorker } from './worker';
import { seededRandom } from '@mq/shared';
import { mean, quantile } from './stats';
import type { TaskRow } from './setup';

export interface PickupOptions {
  url: string;
  mode: 'poll' | 'notify';
  /** The polling worker's interval; the LISTEN worker's fallback poll is set far beyond the window. */
  pollIntervalMs: number;
  tasks: number;
  windowMs: number;
  seed?: number;
}

export interface PickupResult {
  mode: 'poll' | 'notify';
  /** Per task: from the producer's COMMIT ack until a worker sent the query that found it. */
  latenciesMs: number[];
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  maxMs: number;
  /** Median time until that query RETURNED (the worker holds the task): adds the query's own time. */
  inHandP50Ms: number;
  /** Queue queries the worker ran during the experiment (polls, or claims + reaps). */
  queries: number;
  /** Poll mode only: mean and longest time between two polls (interval + batch work + timer slack). */
  cycleMs: number;
  longestGapMs: number;
  /** LISTEN mode only: wake-ups by the fallback timer (0 means every pickup came from a NOTIFY). */
  timerWakeups: number;
}

export async function measurePickup(opts: PickupOptions): Promise<PickupResult> {
  // The clock starts when the producer's COMMIT is acknowledged: from then on the task is
  // waiting for a worker. (A query sent a moment before the ack arrived can still see the row:
  // that counts as 0.)
  const committedAt = new Map<number, number>();
  const seenAt = new Map<number, number>();
  const inHandAt = new Map<number, number>();
  // Picked up = the moment the worker SENT the query that found the row (the poll, or the claim
  // after a NOTIFY): how long the task waited for a worker to come looking, not counting how slow
  // the query itself was on a busy machine. When the query returned is kept too (in hand).
  const seen = (rows: TaskRow[], sentAt: number) => {
    const now = performance.now();
    for (const r of rows) {
      const probe = Number(r.payload.probe);
      if (seenAt.has(probe)) continue;
      seenAt.set(probe, sentAt);
      inHandAt.set(probe, now);
    }
  };
  const handler: TaskHandler = async () => {};
  // The poller uses LIMIT 100, not the seed's 10: on a slow machine a round's UPDATEs stretch the
  // cycle until more than 10 tasks arrive per cycle and the rest wait another round. That is
  // backlog (the seed's capacity limit), a different effect from the poll wait measured here.
  const worker =
    opts.mode === 'poll'
      ? new NaiveWorker({ url: opts.url, name: 'poller', handler, pollIntervalMs: opts.pollIntervalMs, batchSize: 100, onPoll: seen })
      : new QueueWorker({ url: opts.url, name: 'listener', handler, batchSize: 10, pollIntervalMs: 10 * (opts.windowMs + 5_000), onClaim: seen });
  const producer = new pg.Pool({ connectionString: opts.url, max: 4 });
  producer.on('error', () => {});
  try {
    await worker.connect(); // for LISTEN: subscribed before the first insert
    await producer.query('SELECT 1'); // warm one producer connection
    worker.start();
    const random = seededRandom(opts.seed ?? 42);
    // Stratified: one arrival at a random moment in each of `tasks` equal slices of the window,
    // so the arrivals cover every phase of the poll cycle evenly (less luck, same uniformity).
    const slice = opts.windowMs / opts.tasks;
    const offsets = Array.from({ length: opts.tasks }, (_, k) => (k + random()) * slice);
    const inserts = offsets.map(
      (offset, probe) =>
        new Promise<void>((resolve, reject) => {
          setTimeout(() => {
            producer
              .query(`INSERT INTO task_queue (task_type, payload) VALUES ('send_push', $1)`, [JSON.stringify({ probe })])
              .then(() => {
                committedAt.set(probe, performance.now());
                resolve();
              }, reject);
          }, offset);
        }),
    );
    await Promise.all(inserts);
    await waitFor(() => seenAt.size === opts.tasks, {
      timeoutMs: opts.pollIntervalMs * 3 + 5_000,
      what: `${opts.mode} worker to pick up all ${opts.tasks} tasks`,
    });
  } finally {
    await worker.stop();
    await producer.end();
  }
  const since = (at: Map<number, number>) =>
    [...committedAt.keys()].map((k) => Math.max(0, (at.get(k) ?? NaN) - (committedAt.get(k) ?? NaN)));
  const latenciesMs = since(seenAt);
  return {
    mode: opts.mode,
    latenciesMs,
    meanMs: mean(latenciesMs),
    p50Ms: quantile(latenciesMs, 0.5),
    p90Ms: quantile(latenciesMs, 0.9),
    maxMs: Math.max(...latenciesMs),
    inHandP50Ms: quantile(since(inHandAt), 0.5),
    queries: worker instanceof NaiveWorker ? worker.stats.polls : worker.scans,
    timerWakeups: worker instanceof QueueWorker ? worker.stats.wakeups.timer : 0,
    ...(worker instanceof NaiveWorker
      ? {
          cycleMs: ((worker.stats.lastPollAt ?? 0) - (worker.stats.firstPollAt ?? 0)) / Math.max(1, worker.stats.polls - 1),
          longestGapMs: worker.stats.longestGapMs,
        }
      : { cycleMs: NaN, longestGapMs: NaN }),
  };
}
