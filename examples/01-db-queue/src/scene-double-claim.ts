// Scene 6: two workers, one task. First the seed's interleaving forced step by step, then 8
// workers at once: the naive SELECT-then-UPDATE against the worker's claim (--claim-lock picks
// which lock that claim takes, to watch what SKIP LOCKED is for).
import { createShop } from '@mq/shared';
import { runCrowd } from './crowd';
import { shopHandler } from './handler';
import { NaiveWorker } from './naive-worker';
import { r0 } from './narration';
import type { Scene } from './scene';
import { insertTasks } from './setup';

const CLAIM_LABEL = {
  'skip-locked': 'UPDATE ... FOR UPDATE SKIP LOCKED',
  'for-update': 'UPDATE ... FOR UPDATE (no SKIP LOCKED)',
  none: 'UPDATE ... (subselect without a lock)',
};

const VERDICT = {
  'skip-locked': 'The atomic claim gives 0 every time.',
  'for-update': 'FOR UPDATE alone gives 0 too: these claims hold their\n' +
    "locks for a millisecond. Held longer (an open transaction), a plain FOR UPDATE waits: test/claims.test.ts.",
  none: 'Without a lock, the subselect hands the same ids to several\n' +
    'workers and the UPDATE takes them again: one statement is not enough, it must lock what it picks.',
};

export async function sceneDoubleClaim({ out, url, pool, claimLock, results }: Scene): Promise<void> {
  out.step('Two workers, one task (the interleaving forced step by step)');
  const shop = createShop({ email: 0 });
  const [id] = await insertTasks(pool, [{ type: 'send_email', payload: { orderId: 'ORD-0042' } }]);
  const A = new NaiveWorker({ url, name: 'A', handler: shopHandler(shop) });
  const B = new NaiveWorker({ url, name: 'B', handler: shopHandler(shop) });
  const seenA = await A.fetchPending();
  const seenB = await B.fetchPending();
  const claimA = await A.markProcessing(id);
  const claimB = await B.markProcessing(id);
  await A.handle(seenA[0]);
  await B.handle(seenB[0]);
  await A.markCompleted(id);
  await B.markCompleted(id);
  await Promise.all([A.stop(), B.stop()]);
  const ids = (seen: { id: string }[]) => seen.map((x) => x.id).join(', ');
  out.say(`A: SELECT -> task ${ids(seenA)}; B: SELECT -> task ${ids(seenB)}; A: UPDATE -> ${claimA} row; B: UPDATE -> ${claimB} row`);
  out.bad(`emails sent for ORD-0042: ${shop.email.applied.length}; the row just says 'completed', retry_count 0`);

  const naive = await runCrowd(url, { kind: 'naive', workers: 8, tasks: 40 });
  const fixed = await runCrowd(url, { kind: 'fixed', workers: 8, tasks: 400, claimLock });
  out.table(
    [naive, fixed].map((c) => ({
      claim: c.kind === 'naive' ? 'naive SELECT, then UPDATE' : CLAIM_LABEL[claimLock],
      workers: Object.keys(c.perWorker).length,
      tasks: c.tasks,
      handled_twice_or_more: c.duplicated,
      extra_runs: c.extraRuns,
      ms: r0(c.elapsedMs),
    })),
  );
  out.say(
    `8 workers each. The naive workers all read the same first rows, so most tasks ran several times; the exact\n` +
      `count depends on timing (the tests force the interleaving instead). ${VERDICT[claimLock]}`,
  );
  results.doublesSeed = `${naive.duplicated}/${naive.tasks} tasks this run`;
  results.doublesFix = `${CLAIM_LABEL[claimLock]}: ${fixed.duplicated}/${fixed.tasks}`;
}
