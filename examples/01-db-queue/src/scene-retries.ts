// Scene 9: a service keeps failing. The seed's worker drops the error and marks the task
// completed; the worker retries with backoff and ends the task 'failed', kept for a human.
import { createShop, waitFor, type TimelineEvent } from '@mq/shared';
import { shopHandler } from './handler';
import { NaiveWorker } from './naive-worker';
import { describeEvent } from './narration';
import type { Scene } from './scene';
import { insertTasks, taskById } from './setup';
import { QueueWorker } from './worker';

export async function sceneRetries({ out, url, pool, pollMs, backoffMs }: Scene): Promise<void> {
  out.step('A service keeps failing');
  const shop = createShop({ email: 0 });
  shop.email.fault = { kind: 'fail', message: 'SMTP 554 rejected' };
  const [swallowedId] = await insertTasks(pool, [{ type: 'send_email', payload: { orderId: 'ORD-0200' } }]);
  const naive = new NaiveWorker({ url, handler: shopHandler(shop) });
  await naive.pollOnce();
  await naive.stop();
  const swallowed = await taskById(pool, swallowedId);
  out.bad(`naive: the email failed, the task says '${swallowed.status}' (retry_count ${swallowed.retry_count}); the error was dropped`);

  shop.email.reset();
  shop.email.fault = { kind: 'fail', message: 'SMTP 554 rejected' };
  const [retriedId] = await insertTasks(pool, [{ type: 'send_email', payload: { orderId: 'ORD-0201' } }]);
  const events: TimelineEvent[] = [];
  const t1 = performance.now();
  const retrier = new QueueWorker({
    url,
    name: 'fixed',
    handler: shopHandler(shop),
    retryLimit: 3,
    backoffMs,
    pollIntervalMs: Math.min(pollMs, 50),
    onEvent: (e) => {
      if (e.type !== 'claimed') events.push({ atMs: e.atMs - t1, who: e.worker, what: describeEvent(e) });
    },
  }).start();
  const timeoutMs = backoffMs(1) + backoffMs(2) + backoffMs(3) + 10_000;
  await waitFor(async () => (await taskById(pool, retriedId)).status === 'failed', { timeoutMs, what: 'the task to fail for good' });
  await retrier.stop();
  out.timeline(events);
  const dead = await taskById(pool, retriedId);
  out.ok(
    `fixed: ${shop.email.calls.length} attempts, retry_count ${dead.retry_count}, status '${dead.status}', ` +
      `last_error "${dead.last_error}": kept for a human`,
  );
}
