// The check of 01-heartbeat. On a database of its own (x01_check_..., dropped at the end) it calls
// the learner's extendLease directly, for a live claim and for a claim that was handed on, then
// plugs it into the lesson's worker (src/worker.ts) as its heartbeat and runs handlers slower than
// the lease: with a working heartbeat no task runs twice.
import pg from 'pg';
import { lessonScope, resolveDatabase, seededRandom, waitFor } from '@mq/shared';
import { defineExercise, describeThrown, type Verdict } from '@mq/shared/workshop';
import { createSchema, insertTasks, statusCounts } from '../../src/setup';
import { QueueWorker, type ExtendLease } from '../../src/worker';

const LEASE_MS = 300;

export default defineExercise({
  id: '01-heartbeat',
  title: "Extend a live worker's lease, and only its own",
  minutes: 10,
  goal:
    "extendLease pushes a claimed task's locked_until to now + the lease while its handler runs, fenced by the claim's " +
    'lease_id: a slow handler keeps its task, and a worker whose lease was handed on changes nothing.',
  checks: [
    'a live claim: extendLease returns true and locked_until moves to about now + the lease',
    "a claim that was reaped and taken by another worker: extendLease returns false and the new owner's lease is untouched",
    `4 of the lesson's workers with your heartbeat, 16 handlers of 0.7-1.4 x a ${LEASE_MS} ms lease: no task runs twice`,
  ],
  async check(ctx): Promise<Verdict> {
    let extendLease: ExtendLease;
    try {
      extendLease = (await import(ctx.modulePath)).extendLease;
      if (typeof extendLease !== 'function') return { ok: false, problems: ['the file does not export a function extendLease'] };
    } catch (err) {
      return { ok: false, problems: [`the file could not be loaded: ${describeThrown(err)}`] };
    }
    const db = await resolveDatabase({ prefix: `${lessonScope('01', 'exercise').database}check` });
    const admin = new pg.Client({ connectionString: db.url });
    admin.on('error', () => {});
    try {
      await admin.connect();
      await createSchema(admin);
      const problems: string[] = [];
      const proved: string[] = [];
      try {
        const direct = await directCalls(extendLease, admin, db.url);
        problems.push(...direct.problems);
        proved.push(...direct.proved);
        if (problems.length === 0) {
          ctx.log('running 4 workers with your heartbeat');
          const crowd = await slowHandlers(extendLease, admin, db.url);
          problems.push(...crowd.problems);
          proved.push(...crowd.proved);
        }
      } catch (err) {
        problems.push(`extendLease threw: ${describeThrown(err)}`);
      }
      return problems.length > 0 ? { ok: false, problems } : { ok: true, proved };
    } finally {
      await admin.end().catch(() => {});
      await db.close();
    }
  },
});

const leaseLeft = async (admin: pg.Client, id: string) =>
  Number((await admin.query(`SELECT extract(epoch FROM locked_until - now()) * 1000 AS ms FROM task_queue WHERE id = $1`, [id])).rows[0].ms);

async function directCalls(extendLease: ExtendLease, admin: pg.Client, url: string) {
  const problems: string[] = [];
  await admin.query('TRUNCATE task_queue');
  const [id] = await insertTasks(admin, [{ type: 'send_email', payload: { orderId: 'ORD-0001' } }]);
  const zombie = new QueueWorker({ url, name: 'worker 1', handler: async () => {}, leaseMs: 200, listen: false, heartbeatMs: 0 });
  const rescuer = new QueueWorker({ url, name: 'worker 2', handler: async () => {}, leaseMs: 60_000, listen: false, heartbeatMs: 0 });
  try {
    const [claim] = await zombie.claim();
    const extended = await extendLease(admin, claim, 5_000);
    const left = await leaseLeft(admin, id);
    if (extended !== true) problems.push(`extendLease returned ${String(extended)} for worker 1's live claim of task ${id}: expected true`);
    if (!(left > 4_000 && left <= 5_500)) {
      problems.push(`after extendLease(…, 5000) task ${id}'s lease runs out in ${Math.round(left)} ms: expected about 5000 (now + the lease)`);
    }
    if (problems.length > 0) return { problems, proved: [] };
    // Worker 1 stalls; its lease runs out, the reaper hands the task to worker 2.
    await admin.query(`UPDATE task_queue SET locked_until = now() - interval '1 second' WHERE id = $1`, [id]);
    await rescuer.reap();
    const [taken] = await rescuer.claim();
    const before = await leaseLeft(admin, id);
    const late = await extendLease(admin, claim, 1_000);
    const after = await leaseLeft(admin, id);
    if (late !== false) problems.push(`worker 1's heartbeat for task ${id} returned ${String(late)} although worker 2 holds the task now: expected false`);
    if (after < before - 5_000) {
      problems.push(
        `worker 1's late heartbeat cut worker 2's lease on task ${id} from ${Math.round(before)} ms to ${Math.round(after)} ms: ` +
          'it changed a claim it no longer holds (the lease_id is the fencing token)',
      );
    } else if (late !== false) {
      problems.push(`worker 1's late heartbeat touched task ${id}, a claim it no longer holds: fence the UPDATE with the claim's lease_id`);
    }
    return { problems, proved: problems.length ? [] : [`a live claim is extended; a claim handed on (task ${taken?.id}) is refused`] };
  } finally {
    await Promise.all([zombie.stop(), rescuer.stop()]);
  }
}

async function slowHandlers(extendLease: ExtendLease, admin: pg.Client, url: string) {
  await admin.query('TRUNCATE task_queue');
  const ids = await insertTasks(admin, Array.from({ length: 16 }, (_, i) => ({ type: 'send_push', payload: { orderId: `ORD-${i + 1}` } })));
  const random = seededRandom(11);
  const workMs = new Map(ids.map((id) => [id, LEASE_MS * (0.7 + 0.7 * random())]));
  const runs = new Map<string, string[]>();
  const workers = [1, 2, 3, 4].map((n) =>
    new QueueWorker({
      url,
      name: `worker ${n}`,
      leaseMs: LEASE_MS,
      extendLease,
      listen: false,
      pollIntervalMs: 20,
      handler: async (task) => {
        runs.set(task.id, [...(runs.get(task.id) ?? []), `worker ${n}`]);
        await new Promise((r) => setTimeout(r, workMs.get(task.id)));
      },
    }).start(),
  );
  try {
    await waitFor(
      async () => {
        const c = await statusCounts(admin);
        return c.completed + c.failed === ids.length;
      },
      { timeoutMs: 10_000, what: 'all 16 tasks finished' },
    ).catch(() => {});
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
  const twice = [...runs].filter(([, by]) => by.length > 1);
  const problems = twice
    .slice(0, 4)
    .map(
      ([id, by]) =>
        `task ${id} (handler ${Math.round(workMs.get(id)!)} ms, lease ${LEASE_MS} ms) ran ${by.length} times (${by.join(', ')}): ` +
        'its lease ran out while the handler was still working',
    );
  if (twice.length > 4) problems.push(`... and ${twice.length - 4} more tasks ran more than once`);
  return { problems, proved: problems.length ? [] : [`16 handlers of 0.7-1.4 leases on 4 workers: each task ran once`] };
}
