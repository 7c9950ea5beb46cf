// Experiment: what does an empty queue cost? N polling workers each run their SELECT every
// interval whether or not there is work; N LISTEN workers, idle alongside them, run nothing after
// start-up. The workers count their own queries, and PostgreSQL counts the scans of task_queue
// (pg_stat_user_tables); the two must agree.
import pg from 'pg';
import { waitFor } from '@mq/shared';
import type { TaskHandler } from './handler';
import { NaiveWorker } from './naive-worker';
import { QueueWorker } from './worker';
import { awaitCounters, tableCounters } from './table-stats';

export interface IdleOptions {
  url: string;
  workers: number;
  pollIntervalMs: number;
  /** Run until every polling worker has polled this many times. */
  pollsPerWorker: number;
}

export interface IdleResult {
  elapsedMs: number;
  poll: {
    /** Queries each polling worker ran (all of them found nothing). */
    perWorker: number[];
    emptyPolls: number;
    /** Measured time between two polls of one worker (interval + query + timer slack). */
    cycleMs: number;
  };
  listen: {
    /** Queries each LISTEN worker ran (the reap and claim at start-up, then nothing). */
    perWorker: number[];
  };
  /** Scans of task_queue that PostgreSQL counted, from both groups. */
  dbScans: number;
}

const never: TaskHandler = async (task) => {
  throw new Error(`idle experiment: unexpected task ${task.id}`);
};

export async function measureIdle(opts: IdleOptions): Promise<IdleResult> {
  const admin = new pg.Client({ connectionString: opts.url });
  await admin.connect();
  try {
    const before = await tableCounters(admin, 'task_queue');
    const pollers = Array.from({ length: opts.workers }, (_, i) => new NaiveWorker({ url: opts.url, name: `poller-${i + 1}`, handler: never, pollIntervalMs: opts.pollIntervalMs }));
    const listeners = Array.from({ length: opts.workers }, (_, i) => new QueueWorker({ url: opts.url, name: `listener-${i + 1}`, handler: never, pollIntervalMs: 3_600_000 }));
    await Promise.all([...pollers, ...listeners].map((w) => w.connect()));
    const t0 = performance.now();
    listeners.forEach((w) => w.start());
    pollers.forEach((w) => w.start());
    await waitFor(() => pollers.every((w) => w.stats.polls >= opts.pollsPerWorker), {
      timeoutMs: opts.pollsPerWorker * opts.pollIntervalMs * 3 + 5_000,
      what: `${opts.workers} idle workers to poll ${opts.pollsPerWorker} times each`,
    });
    const elapsedMs = performance.now() - t0;
    await Promise.all([...pollers, ...listeners].map((w) => w.stop())); // closing publishes their stats
    const perWorker = pollers.map((w) => w.stats.polls);
    const listenPerWorker = listeners.map((w) => w.scans);
    const total = perWorker.reduce((a, b) => a + b, 0);
    const listenTotal = listenPerWorker.reduce((a, b) => a + b, 0);
    const delta = await awaitCounters(admin, 'task_queue', before, (d) => d.scans >= total + listenTotal);
    const cycles = pollers.map((w) => ((w.stats.lastPollAt ?? 0) - (w.stats.firstPollAt ?? 0)) / (w.stats.polls - 1));
    return {
      elapsedMs,
      poll: {
        perWorker,
        emptyPolls: pollers.reduce((a, w) => a + w.stats.emptyPolls, 0),
        cycleMs: cycles.reduce((a, b) => a + b, 0) / cycles.length,
      },
      listen: { perWorker: listenPerWorker },
      dbScans: delta.scans,
    };
  } finally {
    await admin.end();
  }
}

/** The story's arithmetic, with the measured per-poll overhead: polls per day for `workers` at `intervalMs`. */
export function pollsPerDay(workers: number, intervalMs: number, overheadMs = 0): number {
  return Math.round((workers * 86_400_000) / (intervalMs + overheadMs));
}
