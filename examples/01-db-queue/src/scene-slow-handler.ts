// Scene 8: handlers slower than the lease. Without a heartbeat the reaper takes a busy worker for
// dead and another worker runs the task again; with one, each task runs once. A short lease of
// its own (200 ms) keeps the scene to a few seconds; the ratio of handler time to lease is the issue's.
import { seededRandom, waitFor } from '@mq/shared';
import type { Scene } from './scene';
import { insertTasks, statusCounts } from './setup';
import { QueueWorker } from './worker';

const TASKS = 12;
const LEASE_MS = 200;

async function run(s: Scene, heartbeat: boolean) {
  await s.pool.query('TRUNCATE task_queue');
  const ids = await insertTasks(s.pool, Array.from({ length: TASKS }, (_, i) => ({ type: 'send_push', payload: { orderId: `ORD-${3000 + i}` } })));
  const random = seededRandom(11);
  const workMs = new Map(ids.map((id) => [id, LEASE_MS * (0.7 + 0.7 * random())]));
  const runs = new Map<string, number>();
  const succeeded = new Set<string>();
  const workers = ['w1', 'w2', 'w3', 'w4'].map((name) =>
    new QueueWorker({
      url: s.url,
      name,
      leaseMs: LEASE_MS,
      heartbeatMs: heartbeat ? undefined : 0,
      listen: false,
      pollIntervalMs: 20,
      handler: async (task) => {
        runs.set(task.id, (runs.get(task.id) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, workMs.get(task.id)));
        succeeded.add(task.id);
      },
    }).start(),
  );
  const finished = async () => {
    const c = await statusCounts(s.pool);
    return c.completed + c.failed === TASKS;
  };
  await waitFor(finished, { timeoutMs: 30 * LEASE_MS + 10_000, what: `${TASKS} slow tasks finished` });
  await Promise.all(workers.map((w) => w.stop()));
  const failed = (await s.pool.query<{ id: string }>(`SELECT id FROM task_queue WHERE status = 'failed'`)).rows;
  const counts = [...runs.values()];
  return {
    heartbeat: heartbeat ? `every ${Math.round(LEASE_MS / 3)} ms` : 'none',
    tasks: TASKS,
    ran_twice_or_more: counts.filter((n) => n > 1).length,
    handler_runs: counts.reduce((a, b) => a + b, 0),
    failed_after_success: failed.filter((r) => succeeded.has(r.id)).length,
    lease_extensions: workers.reduce((a, w) => a + w.stats.heartbeats, 0),
  };
}

export async function sceneSlowHandler(s: Scene): Promise<void> {
  const { out, results } = s;
  const leaseMs = LEASE_MS;
  out.step(`Handlers slower than the lease: ${Math.round(0.7 * leaseMs)}-${Math.round(1.4 * leaseMs)} ms against ${leaseMs} ms, 4 workers`);
  const before = await run(s, false);
  const after = await run(s, true);
  out.table([before, after]);
  out.bad(`without a heartbeat: ${before.ran_twice_or_more} of ${TASKS} tasks ran twice or more; a busy worker looks dead to the reaper`);
  out.ok(`with a heartbeat (UPDATE locked_until ... WHERE lease_id = the claim's): ${after.ran_twice_or_more} ran twice`);
  results.slowHandler = `heartbeat: ${after.ran_twice_or_more}/${TASKS} run twice (${before.ran_twice_or_more} without)`;
}
