// Scene 8: handlers slower than the lease. Without a heartbeat the reaper takes a busy worker for
// dead and another worker runs the task again; with one, each task runs once. A short lease of
// its own (200 ms) keeps the scene to a few seconds; the ratio of handler time to lease is the issue's.
import type { Scene } from './scene';
import { runSlowHandlers } from './slow-handlers';

const TASKS = 12;
const LEASE_MS = 200;

async function run(s: Scene, heartbeat: boolean) {
  const heartbeatMs = heartbeat ? undefined : 0; // undefined: the worker's default, every lease/3
  const r = await runSlowHandlers({ pool: s.pool, url: s.url, tasks: TASKS, leaseMs: LEASE_MS, heartbeatMs, firstOrder: 3000 });
  return {
    heartbeat: heartbeat ? `every ${Math.round(LEASE_MS / 3)} ms` : 'none',
    tasks: r.tasks,
    ran_twice_or_more: r.ranTwiceOrMore.length,
    handler_runs: r.handlerRuns,
    failed_after_success: r.failedAfterSuccess.length,
    lease_extensions: r.heartbeats,
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
