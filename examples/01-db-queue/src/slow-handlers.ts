// The run behind scene 8 and its test: handlers of 0.7 to 1.4 leases on 4 workers, with or without
// the heartbeat. It counts the tasks that ran more than once and those that ended 'failed' although
// their handler had succeeded: the two costs of a lease shorter than the work.
import type { Pool } from 'pg';
import { seededRandom, waitFor } from '@mq/shared';
import { insertTasks, statusCounts } from './setup';
import { QueueWorker } from './worker';

export interface SlowRunOptions {
  pool: Pool;
  url: string;
  tasks: number;
  leaseMs: number;
  /** undefined: the worker's default heartbeat (every lease/3); 0: none. */
  heartbeatMs: number | undefined;
  /** First order number, so two runs' tasks are told apart in output. */
  firstOrder?: number;
}

export interface SlowRun {
  tasks: number;
  /** "task 7 ran 2 times", one per task that ran more than once. */
  ranTwiceOrMore: string[];
  /** "task 3 ended 'failed' after its handler succeeded". */
  failedAfterSuccess: string[];
  handlerRuns: number;
  heartbeats: number;
}

export async function runSlowHandlers(o: SlowRunOptions): Promise<SlowRun> {
  await o.pool.query('TRUNCATE task_queue');
  const first = o.firstOrder ?? 1;
  const ids = await insertTasks(o.pool, Array.from({ length: o.tasks }, (_, i) => ({ type: 'send_push', payload: { orderId: `ORD-${first + i}` } })));
  const random = seededRandom(11);
  const workMs = new Map(ids.map((id) => [id, o.leaseMs * (0.7 + 0.7 * random())]));
  const runs = new Map<string, number>();
  const succeeded = new Set<string>();
  const workers = ['w1', 'w2', 'w3', 'w4'].map((name) =>
    new QueueWorker({
      url: o.url,
      name,
      leaseMs: o.leaseMs,
      heartbeatMs: o.heartbeatMs,
      listen: false,
      pollIntervalMs: 20,
      handler: async (task) => {
        runs.set(task.id, (runs.get(task.id) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, workMs.get(task.id)));
        succeeded.add(task.id);
      },
    }).start(),
  );
  try {
    const finished = async () => {
      const c = await statusCounts(o.pool);
      return c.completed + c.failed === ids.length;
    };
    await waitFor(finished, { timeoutMs: 30 * o.leaseMs + 10_000, what: `${o.tasks} slow tasks finished` });
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
  const failed = (await o.pool.query<{ id: string }>(`SELECT id FROM task_queue WHERE status = 'failed'`)).rows.map((r) => r.id);
  return {
    tasks: ids.length,
    ranTwiceOrMore: ids.filter((id) => (runs.get(id) ?? 0) > 1).map((id) => `task ${id} ran ${runs.get(id)} times`),
    failedAfterSuccess: failed.filter((id) => succeeded.has(id)).map((id) => `task ${id} ended 'failed' after its handler succeeded`),
    handlerRuns: [...runs.values()].reduce((a, b) => a + b, 0),
    heartbeats: workers.reduce((a, w) => a + w.stats.heartbeats, 0),
  };
}
