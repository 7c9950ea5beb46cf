// Experiment: many workers, one table. N workers drain M tasks at once, and we count how many
// times each task was handled. With the seed's SELECT-then-UPDATE, workers that poll together
// read the same first rows and handle them again (how many depends on timing, so this is a
// demonstration, not a proof; the proof is the forced interleaving in the tests). With the atomic
// SKIP LOCKED claim, each task is handled exactly once however the workers interleave.
import pg from 'pg';
import { waitFor } from '@mq/shared';
import type { TaskHandler } from './handler';
import { NaiveWorker } from './naive-worker';
import { QueueWorker, type ClaimLock } from './worker';
import { insertTasks, statusCounts } from './setup';

export interface CrowdResult {
  kind: 'naive' | 'fixed';
  tasks: number;
  /** Handler runs per worker. */
  perWorker: Record<string, number>;
  /** Tasks handled more than once, and the extra runs they caused. */
  duplicated: number;
  extraRuns: number;
  elapsedMs: number;
}

export async function runCrowd(url: string, opts: { kind: 'naive' | 'fixed'; workers: number; tasks: number; claimLock?: ClaimLock }): Promise<CrowdResult> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('TRUNCATE task_queue');
    await insertTasks(
      admin,
      Array.from({ length: opts.tasks }, (_, i) => ({ type: 'send_push', payload: { orderId: `ORD-${i + 1}` } })),
    );
    const runs = new Map<string, number>();
    const perWorker: Record<string, number> = {};
    const handlerFor =
      (name: string): TaskHandler =>
      async (task) => {
        runs.set(task.id, (runs.get(task.id) ?? 0) + 1);
        perWorker[name] = (perWorker[name] ?? 0) + 1;
        await new Promise((r) => setImmediate(r)); // yield, so the workers interleave
      };
    const lock = { claimLock: opts.claimLock };
    const names = Array.from({ length: opts.workers }, (_, i) => `w${i + 1}`);
    const workers = names.map((name) =>
      opts.kind === 'naive'
        ? new NaiveWorker({ url, name, handler: handlerFor(name), pollIntervalMs: 10 })
        : new QueueWorker({ url, name, handler: handlerFor(name), batchSize: 4, pollIntervalMs: 20, listen: false, ...lock }),
    );
    await Promise.all(workers.map((w) => w.connect()));
    const t0 = performance.now();
    workers.forEach((w) => w.start());
    try {
      await waitFor(async () => (await statusCounts(admin)).completed === opts.tasks, {
        timeoutMs: 20_000,
        what: `${opts.workers} ${opts.kind} workers to complete ${opts.tasks} tasks`,
      });
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const counts = [...runs.values()];
    return {
      kind: opts.kind,
      tasks: runs.size,
      perWorker,
      duplicated: counts.filter((n) => n > 1).length,
      extraRuns: counts.reduce((a, n) => a + n - 1, 0),
      elapsedMs: performance.now() - t0,
    };
  } finally {
    await admin.end();
  }
}
