// Claiming a row. The seed's SELECT-then-UPDATE lets two workers take the same task (forced
// here step by step, not left to a lucky race); FOR UPDATE SKIP LOCKED makes the claim atomic
// and lets workers pass each other instead of queueing; 8 workers x 400 tasks, each done once.
import { describe, expect, it } from 'vitest';
import { createShop, waitFor, withTimeout } from '@mq/shared';
import pg from 'pg';
import { shopHandler } from '../src/handler';
import { NaiveWorker } from '../src/naive-worker';
import { runCrowd } from '../src/crowd';
import { QueueWorker } from '../src/worker';
import { insertTasks, statusCounts, taskById } from '../src/setup';
import { useQueueDatabase } from './fixture';

const fx = useQueueDatabase('dbq_claims');
const clearQueue = () => fx.pool.query('TRUNCATE task_queue');

describe('the naive claim', () => {
  it('two workers that both SELECT before either UPDATEs process the same task twice', async () => {
    await clearQueue();
    const [id] = await insertTasks(fx.pool, [{ type: 'send_email', payload: { orderId: 'ORD-0042', email: 'a@example.com' } }]);
    const shop = createShop({ email: 0 });
    const a = new NaiveWorker({ url: fx.db.url, name: 'A', handler: shopHandler(shop) });
    const b = new NaiveWorker({ url: fx.db.url, name: 'B', handler: shopHandler(shop) });
    try {
      // The forced interleaving: A polls, B polls, then both claim. Both see the row pending.
      const seenByA = await a.fetchPending();
      const seenByB = await b.fetchPending();
      expect(seenByA.map((t) => t.id)).toEqual([id]);
      expect(seenByB.map((t) => t.id)).toEqual([id]);
      // The UPDATE checks nothing, so the second "claim" succeeds as well.
      expect(await a.markProcessing(id)).toBe(1);
      expect(await b.markProcessing(id)).toBe(1);
      for (const [w, task] of [[a, seenByA[0]], [b, seenByB[0]]] as const) {
        await w.handle(task);
        await w.markCompleted(id);
      }
      // The customer gets two confirmation emails, and the row shows nothing unusual.
      expect(shop.email.applied).toEqual(['ORD-0042', 'ORD-0042']);
      const row = await taskById(fx.pool, id);
      expect([row.status, row.retry_count]).toEqual(['completed', 0]);

      // The smallest repair is a compare-and-set: UPDATE ... WHERE status = 'pending', and
      // believe only rowCount. Same interleaving, and only one worker wins.
      await fx.pool.query(`UPDATE task_queue SET status = 'pending' WHERE id = $1`, [id]);
      const cas = `UPDATE task_queue SET status = 'processing' WHERE id = $1 AND status = 'pending'`;
      await a.fetchPending();
      await b.fetchPending();
      const [clientA, clientB] = [new pg.Client(fx.db.url), new pg.Client(fx.db.url)];
      await Promise.all([clientA.connect(), clientB.connect()]);
      try {
        expect((await clientA.query(cas, [id])).rowCount).toBe(1);
        expect((await clientB.query(cas, [id])).rowCount).toBe(0);
      } finally {
        await Promise.all([clientA.end(), clientB.end()]);
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

describe('FOR UPDATE SKIP LOCKED', () => {
  it("the worker's claim skips a row another transaction holds at once; plain FOR UPDATE waits for it", async () => {
    await clearQueue();
    const [x, y] = await insertTasks(fx.pool, ['x', 'y', 'z'].map((k) => ({ type: 'send_push', payload: { orderId: k } })));
    const next = `SELECT id FROM task_queue WHERE status = 'pending' ORDER BY id LIMIT 1 FOR UPDATE`;
    const [A, C] = [new pg.Client(fx.db.url), new pg.Client(fx.db.url)];
    await Promise.all([A, C].map((c) => c.connect()));
    const B = new QueueWorker({ url: fx.db.url, name: 'B', handler: async () => {}, listen: false });
    try {
      // A claims the first row inside an open transaction: it holds the row lock until COMMIT.
      await A.query('BEGIN');
      expect((await A.query(next)).rows.map((r) => r.id)).toEqual([x]);
      // B is the shipped worker: its claim gets the next row, without waiting for A.
      const claimed = await withTimeout(B.claim(), 2_000, "the worker's claim while A holds the first row (it waited for A's lock)");
      expect(claimed.map((t) => t.id)).toEqual([y]);
      // C uses plain FOR UPDATE (the seed's "lock the row" idea): it queues behind A's lock.
      const cPid = (await C.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      let cDone = false;
      const cResult = C.query(next).then((r) => {
        cDone = true;
        return r.rows.map((row) => row.id);
      });
      await waitFor(
        async () =>
          (await fx.pool.query(`SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, [cPid])).rows[0]?.wait_event_type === 'Lock',
        { timeoutMs: 5_000, what: "C to wait on A's row lock" },
      );
      expect(cDone).toBe(false);
      // A marks its row and commits; only now does C move on. It re-checks x (no longer
      // pending) and takes the next pending row: B has claimed y, so C gets z.
      await A.query(`UPDATE task_queue SET status = 'processing' WHERE id = $1`, [x]);
      await A.query('COMMIT');
      expect(await cResult).toEqual([String(Number(y) + 1)]);
    } finally {
      await Promise.allSettled([A.end(), C.end(), B.stop()]);
    }
  });

  it('8 workers x 400 tasks, claimed atomically: every task processed exactly once', async () => {
    const tasks = 400;
    const r = await runCrowd(fx.db.url, { kind: 'fixed', workers: 8, tasks });
    expect(r.tasks, 'tasks handled at least once').toBe(tasks);
    expect({ duplicated: r.duplicated, extraRuns: r.extraRuns }, 'tasks handled twice or more').toEqual({ duplicated: 0, extraRuns: 0 });
    expect(Object.values(r.perWorker).reduce((a, b) => a + b, 0)).toBe(tasks);
    // They really ran side by side: the work was spread over the workers.
    expect(Object.keys(r.perWorker).length).toBeGreaterThanOrEqual(4);
    expect(await statusCounts(fx.pool)).toEqual({ pending: 0, processing: 0, completed: tasks, failed: 0 });
  });
});
