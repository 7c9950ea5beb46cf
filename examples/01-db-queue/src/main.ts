// The chapter, narrated against a real PostgreSQL: the order service moves email, points and push
// into a task table, and we measure what the story only asserted (pickup latency, wasted polls,
// write amplification), watch its failures happen (double claims, stranded rows, slow handlers,
// swallowed errors), and run the fixes (SKIP LOCKED, LISTEN/NOTIFY, leases, heartbeats, retries).
// Everything happens in a database of this lesson's own (l01_demo_...), dropped at the end and on Ctrl-C.
import { cleanupOnExit, createOutput, intFlag, lessonScope, parseFlags, pgPool, resolveDatabase, runMain, STORY, timings, UsageError } from '@mq/shared';
import { pollsPerDay } from './idle';
import { fmt } from './narration';
import type { Scene } from './scene';
import { sceneAmplification } from './scene-amplification';
import { sceneDeadWorker } from './scene-dead-worker';
import { sceneDoubleClaim } from './scene-double-claim';
import { sceneIdle, scenePickup, sceneSeedWorker } from './scene-polling';
import { sceneProducer } from './scene-producer';
import { sceneRetries } from './scene-retries';
import { sceneSlowHandler } from './scene-slow-handler';
import { createSchema } from './setup';
import { CLAIM_LOCKS, type ClaimLock } from './worker';

const USAGE = `Usage: pnpm --filter 01-db-queue start [-- options]

  --poll-interval <ms>  polling interval of the seed's worker (default ${timings().get('pollIntervalMs')} ms, the story's)
  --workers <n>         idle workers in the wasted-queries step (default 10, the story's)
  --orders <n>          orders in the write-amplification step (default 30)
  --claim-lock <lock>   the lock of the worker's claim in the 8-worker race: skip-locked (default),
                        for-update (a claim waits for a row another holds) or none (two workers claim one row)
  --real-timings        the story's lease (30 s) and retry delay (30 s) instead of scaled ones
  -h, --help            this text`;

const scope = lessonScope('01');

runMain(async () => {
  const flags = parseFlags(USAGE, {
    'poll-interval': { type: 'string' },
    workers: { type: 'string' },
    orders: { type: 'string' },
    'claim-lock': { type: 'string' },
    'real-timings': { type: 'boolean' },
  });
  const t = timings();
  const claimLock = (flags['claim-lock'] ?? 'skip-locked') as ClaimLock;
  if (!CLAIM_LOCKS.includes(claimLock)) throw new UsageError(`--claim-lock must be one of ${CLAIM_LOCKS.join(', ')}\n\n${USAGE}`);

  const out = createOutput();
  out.chapter('01-db-queue', 'A database table as a task queue', '#01-db-queue');
  const db = await resolveDatabase({ prefix: `${scope.database}demo` });
  out.say(`${db.description} (lesson 01's own; dropped at the end)`);
  const pool = pgPool(db.url, { max: 4 });
  const cleanup = cleanupOnExit(async () => {
    await pool.end();
    await db.close();
  });
  try {
    await createSchema(pool);
    const scene: Scene = {
      out,
      url: db.url,
      pool,
      pollMs: intFlag('poll-interval', flags['poll-interval'], t.get('pollIntervalMs'), 20, 10_000),
      idleWorkers: intFlag('workers', flags.workers, 10, 1, 100),
      orders: intFlag('orders', flags.orders, 30, 1, 10_000),
      leaseMs: t.get('ackWaitMs'),
      claimLock,
      backoffMs: (n) => (t.real ? t.get('nakDelayMs') : 100 * 2 ** (n - 1)),
      results: {},
    };
    await sceneProducer(scene);
    await sceneSeedWorker(scene);
    await scenePickup(scene);
    await sceneIdle(scene);
    await sceneAmplification(scene);
    await sceneDoubleClaim(scene);
    await sceneDeadWorker(scene);
    await sceneSlowHandler(scene);
    await sceneRetries(scene);
    summary(scene);
  } finally {
    await cleanup();
  }
});

function summary({ out, results: r }: Scene): void {
  out.step('What the table queue cost, and what fixing it costs');
  out.table([
    { problem: 'pickup latency', seed: r.pickupSeed, fix: r.pickupFix },
    { problem: 'idle queries', seed: `${fmt(pollsPerDay(10, STORY.pollIntervalMs))}/day (10 workers)`, fix: 'LISTEN: none (a slow fallback poll)' },
    { problem: 'double processing', seed: r.doublesSeed, fix: r.doublesFix },
    { problem: 'dead worker', seed: 'row stuck in processing', fix: r.deadWorker },
    { problem: 'slow handler', seed: '(the seed has no lease to outlive)', fix: r.slowHandler },
    { problem: 'failing service', seed: 'marked completed, lost', fix: 'retries with backoff, then failed' },
    { problem: 'writes per order', seed: `${r.writesPerOrder} row writes + dead rows`, fix: `${r.writesPerOrder}, unchanged: correctness is not cheaper` },
  ]);
  out.say(
    'A Postgres queue done right works (pg-boss, graphile-worker: see README). It still costs a write per state\n' +
      'change, VACUUM work, and a connection per worker. Next: 02-redis-list.',
  );
}
