// When things go wrong. A worker that dies after its 'processing' UPDATE strands the row forever
// in the seed's design; a lease (locked_until) hands it to another worker. A failing service is
// ignored by the seed's worker (the task is marked completed); the fixed worker retries with
// backoff, counting retry_count, and ends the task 'failed' after the limit.
import { describe, expect, it } from 'vitest';
import { createShop, waitFor } from '@mq/shared';
import { shopHandler } from '../src/handler';
import { NaiveWorker } from '../src/naive-worker';
import { QueueWorker } from '../src/worker';
import { insertTasks, taskById } from '../src/setup';
import { useQueueDatabase } from './fixture';

const fx = useQueueDatabase('dbq_failures');

const emailTask = (orderId: string) => ({ type: 'send_email', payload: { orderId, email: `${orderId}@example.com`, subject: 'Order confirmation' } });

describe('a worker dies after claiming', () => {
  it('naive: the row stays in processing forever, no other worker will look at it', async () => {
    await fx.pool.query('TRUNCATE task_queue');
    const [id] = await insertTasks(fx.pool, [emailTask('ORD-0100')]);
    const shop = createShop({ email: 0 });
    const doomed = new NaiveWorker({ url: fx.db.url, name: 'doomed', handler: shopHandler(shop) });
    const [seen] = await doomed.fetchPending();
    expect(seen.id).toBe(id);
    await doomed.markProcessing(id);
    await doomed.crash(); // killed between its UPDATE and the email

    const healthy = new NaiveWorker({ url: fx.db.url, name: 'healthy', handler: shopHandler(shop), pollIntervalMs: 30 });
    healthy.start();
    try {
      await waitFor(() => healthy.stats.polls >= 8, { timeoutMs: 5_000, what: 'the healthy worker to poll 8 times' });
    } finally {
      await healthy.stop();
    }
    expect(healthy.stats.emptyPolls).toBe(healthy.stats.polls); // it never saw the task
    expect(shop.email.calls).toEqual([]); // the email was never sent
    const row = await taskById(fx.pool, id);
    expect(row.status).toBe('processing');
    // And nothing ever will: the seed's table records neither who holds the row nor until when.
    // (locked_by / locked_until exist in our schema only for the fixed worker; still NULL here.)
    expect([row.locked_by, row.locked_until]).toEqual([null, null]);
  });

  it('with a lease: once locked_until passes, another worker reclaims the row and completes it', async () => {
    await fx.pool.query('TRUNCATE task_queue');
    const [id] = await insertTasks(fx.pool, [emailTask('ORD-0101')]);
    const shop = createShop({ email: 0 });
    const leaseMs = 400;
    const doomed = new QueueWorker({ url: fx.db.url, name: 'doomed', handler: shopHandler(shop), leaseMs, listen: false });
    const [claimed] = await doomed.claim();
    expect(claimed.id).toBe(id);
    const held = await taskById(fx.pool, id);
    expect([held.status, held.locked_by]).toEqual(['processing', 'doomed']);
    await doomed.crash();

    const rescuer = new QueueWorker({ url: fx.db.url, name: 'rescuer', handler: shopHandler(shop), leaseMs, listen: false, pollIntervalMs: 25 });
    rescuer.start();
    try {
      await waitFor(async () => (await taskById(fx.pool, id)).status === 'completed', { timeoutMs: 5_000, what: 'the task to be completed by the rescuer' });
    } finally {
      await rescuer.stop();
    }
    const row = await taskById(fx.pool, id);
    expect(row.locked_by).toBe('rescuer');
    expect(row.retry_count).toBe(1); // the lost attempt counts
    expect(row.last_error).toMatch(/lease expired \(worker doomed presumed dead\)/);
    expect(shop.email.applied).toEqual(['ORD-0101']); // sent once, by the rescuer
    expect(rescuer.stats.reclaimed).toBe(1);
    // Not before the lease ran out (server clock): until then the row belonged to the dead worker.
    expect(row.updated_at.getTime()).toBeGreaterThanOrEqual(held.locked_until!.getTime());
    // The dead worker's claim is fenced: if it came back to life, its completion would be refused.
    const zombie = new QueueWorker({ url: fx.db.url, name: 'doomed', handler: shopHandler(shop), listen: false });
    try {
      expect(await zombie.complete(claimed)).toBe(false);
      expect(zombie.stats.leaseLost).toBe(1);
    } finally {
      await zombie.stop();
    }
  });
});

describe('a service keeps failing', () => {
  it('naive: the error is ignored and the task is marked completed; the email is simply lost', async () => {
    await fx.pool.query('TRUNCATE task_queue');
    const [id] = await insertTasks(fx.pool, [emailTask('ORD-0200')]);
    const shop = createShop({ email: 0 });
    shop.email.fault = { kind: 'fail', message: 'SMTP 554 rejected' };
    const worker = new NaiveWorker({ url: fx.db.url, handler: shopHandler(shop) });
    try {
      expect(await worker.pollOnce()).toBe(1);
    } finally {
      await worker.stop();
    }
    const row = await taskById(fx.pool, id);
    expect([row.status, row.retry_count]).toEqual(['completed', 0]);
    expect(worker.stats.errorsIgnored).toBe(1);
    expect(shop.email.applied).toEqual([]);
  });

  it('fixed: retry_count rises with backoff, and after 3 retries the task ends failed', async () => {
    await fx.pool.query('TRUNCATE task_queue');
    const [doomedId, flakyId] = await insertTasks(fx.pool, [emailTask('ORD-0300'), { type: 'send_push', payload: { orderId: 'ORD-0301' } }]);
    const shop = createShop({ email: 0, push: 0 });
    shop.email.fault = { kind: 'fail', message: 'SMTP 554 rejected' };
    const coin = [0, 0.99]; // the push service fails once, then works
    shop.push.fault = { kind: 'flaky', rate: 0.5, random: () => coin.shift() ?? 0.99 };
    const seenRetryCounts: Record<string, number[]> = { [doomedId]: [], [flakyId]: [] };
    const backoff = (n: number) => 30 * 2 ** (n - 1); // 30, 60, 120 ms
    const handler = shopHandler(shop);
    const worker = new QueueWorker({
      url: fx.db.url,
      name: 'w',
      listen: false,
      pollIntervalMs: 15,
      backoffMs: backoff,
      retryLimit: 3,
      handler: async (task) => {
        seenRetryCounts[task.id].push(task.retry_count);
        await handler(task);
      },
    });
    worker.start();
    try {
      await waitFor(async () => (await taskById(fx.pool, doomedId)).status === 'failed', { timeoutMs: 5_000, what: 'the email task to end failed' });
    } finally {
      await worker.stop();
    }
    const doomed = await taskById(fx.pool, doomedId);
    // Four attempts: the first and three retries, each one seeing the count so far.
    expect(seenRetryCounts[doomedId]).toEqual([0, 1, 2, 3]);
    expect(shop.email.calls.map((c) => c.outcome)).toEqual(['error', 'error', 'error', 'error']);
    expect([doomed.status, doomed.retry_count, doomed.last_error]).toEqual(['failed', 3, 'email: SMTP 554 rejected']);
    // Backoff: each retry started no earlier than its delay after the previous failure ended.
    const calls = shop.email.calls;
    for (let n = 1; n < calls.length; n++) expect(calls[n].startedMs - calls[n - 1].endedMs).toBeGreaterThanOrEqual(backoff(n) - 5);
    // The flaky push task needed one retry and then succeeded.
    const flaky = await taskById(fx.pool, flakyId);
    expect(seenRetryCounts[flakyId]).toEqual([0, 1]);
    expect([flaky.status, flaky.retry_count]).toEqual(['completed', 1]);
    expect(worker.stats).toMatchObject({ retried: 4, failed: 1, completed: 1 });
  });
});
