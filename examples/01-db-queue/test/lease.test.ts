// The lease, under the faults that break a naive one. A dead worker's task comes back after the
// lease, and at the head of the queue, not behind the backlog that arrived meanwhile. A handler
// slower than the lease keeps its claim with a heartbeat (without one it is run again by another
// worker). And the lease_id fences a worker that comes back after its task was handed on.
import { describe, expect, it } from 'vitest';
import { waitFor } from '@mq/shared';
import { runSlowHandlers } from '../src/slow-handlers';
import { QueueWorker, type ClaimedTask } from '../src/worker';
import { insertTasks, taskById } from '../src/setup';
import { useQueueDatabase } from './fixture';

const fx = useQueueDatabase('dbq_lease');
const push = (orderId: string) => ({ type: 'send_push', payload: { orderId } });

describe('a reclaimed task', () => {
  it('keeps its place: with a backlog of 150 tasks it is picked up right after the lease runs out', async () => {
    await fx.pool.query('TRUNCATE task_queue');
    const [lostId] = await insertTasks(fx.pool, [push('ORD-0001')]);
    const leaseMs = 300;
    const doomed = new QueueWorker({ url: fx.db.url, name: 'doomed', handler: async () => {}, leaseMs, listen: false });
    const claimSentAt = performance.now(); // the lease runs from the claim: locked_until = its now() + 300 ms
    const [claimed] = await doomed.claim();
    expect(claimed.id).toBe(lostId);
    await doomed.crash();
    // The backlog arrives after the dead worker's task: 150 tasks of 20 ms each, 3 s of work.
    await insertTasks(fx.pool, Array.from({ length: 150 }, (_, i) => push(`ORD-${String(i + 2).padStart(4, '0')}`)));
    const order: string[] = [];
    let lostPickedAt = NaN;
    const rescuer = new QueueWorker({
      url: fx.db.url,
      name: 'rescuer',
      leaseMs,
      listen: false,
      pollIntervalMs: 20,
      handler: async (task) => {
        order.push(task.id);
        if (task.id === lostId) lostPickedAt = performance.now();
        await new Promise((r) => setTimeout(r, 20));
      },
    }).start();
    try {
      await waitFor(async () => (await taskById(fx.pool, lostId)).status === 'completed', { timeoutMs: 8_000, what: `task ${lostId} done again` });
    } finally {
      await rescuer.stop();
    }
    const waitedMs = Math.round(lostPickedAt - claimSentAt);
    // Not before its lease ran out, and then promptly: within 1 s of it, where the back of the
    // queue would be 3 s of backlog away.
    expect(waitedMs, `task ${lostId} was picked up ${waitedMs} ms after the dead worker claimed it`).toBeGreaterThanOrEqual(leaseMs);
    expect(waitedMs, `task ${lostId} waited behind the backlog: picked up after ${order.indexOf(lostId)} others`).toBeLessThan(
      leaseMs + 1_000,
    );
  });
});

describe('a handler slower than the lease', () => {
  // The run, scaled: handlers of 0.7 to 1.4 leases, 4 workers, 24 tasks.
  // The demo's run (src/slow-handlers.ts), with more tasks and the 300 ms lease.
  const slowHandlers = (heartbeatMs: number | undefined) =>
    runSlowHandlers({ pool: fx.pool, url: fx.db.url, tasks: 24, leaseMs: 300, heartbeatMs });

  it('with the heartbeat: each of 24 tasks runs once and none ends failed', async () => {
    const r = await slowHandlers(undefined);
    expect(r.ranTwiceOrMore, 'tasks run more than once').toEqual([]);
    expect(r.failedAfterSuccess, 'tasks wrongly failed').toEqual([]);
    expect(r.heartbeats, 'lease extensions').toBeGreaterThanOrEqual(24);
  });

  it('without it (the before): more than 4 of 24 tasks run twice or more', async () => {
    const r = await slowHandlers(0);
    expect(r.heartbeats).toBe(0);
    // About 3 in 7 handlers outlive the lease; each such task is reclaimed and run again.
    expect(r.ranTwiceOrMore.length, r.ranTwiceOrMore.join('; ')).toBeGreaterThan(4);
  });
});

describe('the fencing token', () => {
  it('a worker whose lease was handed on cannot complete the task under the new owner', async () => {
    await fx.pool.query('TRUNCATE task_queue');
    const [id] = await insertTasks(fx.pool, [push('ORD-0500')]);
    const leaseMs = 200;
    const zombie = new QueueWorker({ url: fx.db.url, name: 'zombie', handler: async () => {}, leaseMs, listen: false, heartbeatMs: 0 });
    const [stale] = await zombie.claim();
    // The zombie stalls past its lease (a GC pause, a lost network); the rescuer reaps and claims.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let inHand: ClaimedTask | undefined;
    const rescuer = new QueueWorker({
      url: fx.db.url,
      name: 'rescuer',
      leaseMs: 5_000,
      listen: false,
      pollIntervalMs: 20,
      reapIntervalMs: 20,
      handler: async (task) => {
        inHand = task as ClaimedTask;
        await gate;
      },
    }).start();
    try {
      await waitFor(() => inHand !== undefined, { timeoutMs: 5_000, what: 'the rescuer to hold the task' });
      // While the rescuer works on it, the zombie wakes up and reports it done.
      expect(await zombie.complete(stale), 'the zombie completed a task it no longer holds').toBe(false);
      const row = await taskById(fx.pool, id);
      expect([row.status, row.locked_by, row.lease_id]).toEqual(['processing', 'rescuer', inHand!.lease_id]);
      expect(await zombie.fail(stale, new Error('late failure'))).toBe('lease-lost');
      release();
      await waitFor(async () => (await taskById(fx.pool, id)).status === 'completed', { timeoutMs: 5_000, what: 'the rescuer to complete it' });
    } finally {
      release();
      await Promise.all([rescuer.stop(), zombie.stop()]);
    }
    expect(rescuer.stats.completed).toBe(1);
    expect(zombie.stats.leaseLost).toBe(2);
  });
});
