// Scene 7: a worker dies after claiming. The seed's row stays 'processing' for ever; with a lease
// the reaper hands it back, in its old place, and another worker completes it.
import { createShop, waitFor, type TimelineEvent } from '@mq/shared';
import { shopHandler } from './handler';
import { NaiveWorker } from './naive-worker';
import { describeEvent } from './narration';
import type { Scene } from './scene';
import { insertTasks, taskById } from './setup';
import { QueueWorker, type QueueEvent } from './worker';

export async function sceneDeadWorker({ out, url, pool, pollMs, leaseMs, results }: Scene): Promise<void> {
  out.step(`A worker dies after claiming (lease ${leaseMs} ms)`);
  await pool.query('TRUNCATE task_queue');
  const shop = createShop({ email: 0 });
  const [strandedId] = await insertTasks(pool, [{ type: 'send_email', payload: { orderId: 'ORD-0100' } }]);
  const doomedNaive = new NaiveWorker({ url, name: 'doomed', handler: shopHandler(shop) });
  await doomedNaive.fetchPending();
  await doomedNaive.markProcessing(strandedId);
  await doomedNaive.crash();
  const healthy = new NaiveWorker({ url, name: 'healthy', handler: shopHandler(shop), pollIntervalMs: Math.min(pollMs, 100) }).start();
  await waitFor(() => healthy.stats.polls >= 5, { timeoutMs: 5_000, what: 'five polls' });
  await healthy.stop();
  const stranded = await taskById(pool, strandedId);
  out.bad(
    `naive: task ${strandedId} is '${stranded.status}' after ${healthy.stats.polls} polls by a healthy worker, ` +
      `and will stay so: nothing records who holds it or until when`,
  );

  const [leasedId] = await insertTasks(pool, [{ type: 'send_email', payload: { orderId: 'ORD-0101' } }]);
  const events: TimelineEvent[] = [];
  const t0 = performance.now();
  const log = (e: QueueEvent) => events.push({ atMs: e.atMs - t0, who: e.worker, what: describeEvent(e) });
  const doomed = new QueueWorker({ url, name: 'doomed', handler: shopHandler(shop), leaseMs, listen: false, onEvent: log });
  const [claimed] = await doomed.claim();
  await doomed.crash();
  events.push({ atMs: performance.now() - t0, who: 'doomed', what: 'process killed before the email' });
  const rescuer = new QueueWorker({
    url,
    name: 'rescuer',
    handler: shopHandler(shop),
    leaseMs,
    pollIntervalMs: Math.min(pollMs, 100),
    onEvent: log,
  }).start();
  await waitFor(async () => (await taskById(pool, leasedId)).status === 'completed', { timeoutMs: leaseMs + 10_000, what: 'the rescue' });
  await rescuer.stop();
  out.timeline(events);
  const rescued = await taskById(pool, leasedId);
  out.ok(
    `fixed: task ${claimed.id} '${rescued.status}' by ${rescued.locked_by}, retry_count ${rescued.retry_count}, ` +
      `last_error "${rescued.last_error}"`,
  );
  results.deadWorker = `lease: back after ${leaseMs} ms, at the head of the queue`;
}
