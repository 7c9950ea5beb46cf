// Chapter 02 told by running it: Redis Lists make pickup instant, then lose tasks twice (a
// restart without persistence, a worker that dies after BRPOP); AOF fixes only the first; the
// reliable-queue pattern and Streams consumer groups fix the second, by adding an ack.
// Plain parts use the Redis resolveRedis() finds, under this lesson's keys (l02:<pid>:...), removed
// at the end and on Ctrl-C; anything that restarts Redis uses a private redis-server, so the shared
// one is never restarted.
import { cleanupOnExit, connectRedis, createOutput, intFlag, lessonScope, parseFlags, resolveRedis, runMain, timings, waitFor } from '@mq/shared';
import type { TimelineEvent } from '@mq/shared';
import { PrivateRedisServer, type PrivateRedisOptions } from '@mq/shared/services';
import type { Redis } from 'ioredis';
import { runAofBench } from './aof-cost';
import { ListWorker, pushTasks, queuedIds } from './list-queue';
import { measurePickupLatency } from './pickup-latency';
import { processingIds, pushReliable, Reaper, reliableKeys, ReliableWorker } from './reliable-queue';
import { spawnCrashyWorker } from './spawn-worker';
import { fmtMs } from './stats';
import { addTasks, consumers, createGroupIfMissing, pending, StreamWorker } from './stream-queue';
import { DoneLedger, makeTasks } from './task';
import { aofState } from './throughput';

const USAGE = `usage: pnpm --filter 02-redis-list start [-- options]
  --tasks N         tasks queued before each Redis restart (default 500, as in the story)
  --samples N       pickup-latency samples (default 200)
  --real-timings    use the story's 30 s visibility timeout instead of the scaled 1 s`;

const out = createOutput();
const scope = lessonScope('02');

runMain(async () => {
  const f = parseFlags(USAGE, { tasks: { type: 'string' }, samples: { type: 'string' }, 'real-timings': { type: 'boolean' } });
  const nTasks = intFlag('tasks', f.tasks, 500, 1, 1_000_000);
  const nSamples = intFlag('samples', f.samples, 200, 10, 100_000);
  const t0 = performance.now();

  out.chapter('02-redis-list', 'Redis List as a queue: instant pickup, and nothing remembers a task in progress', '#02-redis-list');
  const service = await resolveRedis();
  const prefix = scope.key(String(process.pid));
  out.say(`${service.description}; this run's keys: ${prefix}:* (lesson 02's own, removed at the end)`);
  const redis = connectRedis(service.url);
  const extra: Redis[] = [];
  const servers = new Set<PrivateRedisServer>();
  const done = cleanupOnExit(async () => {
    await cleanup(redis, prefix);
    await Promise.allSettled([...servers].map((s) => s.dispose()));
    extra.forEach((c) => c.disconnect());
    redis.disconnect();
    await service.close();
  });
  const ctx: Ctx = {
    url: service.url,
    redis,
    prefix,
    privateServer: async (opts) => {
      const s = await PrivateRedisServer.start(opts);
      servers.add(s);
      return s;
    },
    conn: () => {
      const c = connectRedis(service.url);
      extra.push(c);
      return c;
    },
    visibilityMs: timings().get('ackWaitMs'),
    lost: {},
  };
  try {
    await pickup(ctx, nSamples);
    await restartWithoutPersistence(ctx, nTasks);
    await crashAfterPop(ctx);
    await aofEverysec(ctx, nTasks);
    await reliableQueue(ctx);
    await streamsGroup(ctx);

    out.step('What was lost');
    out.table(Object.entries(ctx.lost).map(([scenario, n]) => ({ scenario, 'tasks lost': n })));
    out.say('The list forgets a task the moment it hands it out. Both fixes add what a queue needs: the task stays');
    out.say('"in progress" until the worker acks, and is handed out again when no ack comes. We built it by hand');
    out.say('(processing list, reaper, visibility timeout) or borrowed it (the Streams PEL). JetStream, next chapter,');
    out.say('makes it the consumer\'s contract: AckWait, redelivery, MaxDeliver and a delivery count (03-jetstream).');
    out.say('');
    out.say(`Done in ${((performance.now() - t0) / 1000).toFixed(1)} s.`);
  } finally {
    await done();
  }
});

interface Ctx {
  /** The resolved (shared) Redis: never restarted. */
  url: string;
  redis: Redis;
  /** Every key this run creates on the shared Redis starts with this; cleanup() removes them. */
  prefix: string;
  /** A private redis-server (for restarts and kills), disposed at the end and on Ctrl-C. */
  privateServer(opts?: PrivateRedisOptions): Promise<PrivateRedisServer>;
  /** A new dedicated connection (blocking commands need their own), closed at the end. */
  conn(): Redis;
  visibilityMs: number;
  /** Scenario -> tasks lost, for the closing table. */
  lost: Record<string, number | string>;
}

/** Step 1: BRPOP workers share a list without duplicates, and pickup is immediate. */
async function pickup(ctx: Ctx, nSamples: number): Promise<void> {
  const { url, redis, prefix, conn } = ctx;
  out.step('LPUSH producer, BRPOP workers');
  const key = `${prefix}:task:email`;
  const ledger = new DoneLedger(redis, `${prefix}:s1`);
  await pushTasks(redis, key, makeTasks(30));
  const workers = ['worker-1', 'worker-2', 'worker-3'].map((name) =>
    new ListWorker({ conn: conn(), key, name, blockSec: 0.1, handler: (task) => ledger.record(task, name) }).start(),
  );
  await waitFor(async () => (await ledger.size()) === 30, { timeoutMs: 10_000, what: '30 tasks done' });
  await Promise.all(workers.map((w) => w.stop()));
  const counts = [...(await ledger.counts()).values()];
  out.table(workers.map((w, i) => ({ worker: `worker-${i + 1}`, 'tasks taken': w.taken.length })));
  out.ok(`30 tasks, each processed exactly ${counts.every((c) => c === 1) ? 'once' : 'MORE THAN ONCE'}: BRPOP gives a task to one worker only (no FOR UPDATE needed)`);

  const pick = await measurePickupLatency(url, `${prefix}:pickup`, nSamples);
  out.say(`Pickup latency, ${pick.n} tasks pushed to an idle worker blocked in BRPOP:`);
  out.table([{ p50: fmtMs(pick.p50), p95: fmtMs(pick.p95), p99: fmtMs(pick.p99), max: fmtMs(pick.max) }]);
  (pick.p50 < 10 ? out.ok : out.bad)(`p50 ${fmtMs(pick.p50)}: the story's "< 10 ms" holds (chapter 01's database polling every 1 s waited 500 ms on average)`);
}

/** Step 2: restart a private Redis with tasks queued: no persistence, RDB + graceful, RDB + crash. */
async function restartWithoutPersistence(ctx: Ctx, nTasks: number): Promise<void> {
  out.step(`Disaster 1: Redis restarts with ${nTasks} tasks queued`);
  out.say('A private redis-server of our own (started with --save "" --appendonly no); the shared one is never restarted.');
  const plain = await ctx.privateServer();
  try {
    const rows: Record<string, string | number>[] = [];
    const scene = async (setup: string, how: string, save: string, restart: () => Promise<void>) => {
      const before = await withConn(plain.url, async (r) => {
        await r.config('SET', 'save', save); // with save points set, FLUSHALL also writes an (empty) snapshot
        await r.flushall();
        return pushTasks(r, 'task:email', makeTasks(nTasks));
      });
      const r0 = performance.now();
      await restart();
      const after = await withConn(plain.url, (r) => r.llen('task:email'));
      rows.push({ persistence: setup, restart: how, 'took': fmtMs(performance.now() - r0), 'queued before': before, 'queued after': after });
      return before - after;
    };
    const offLost = await scene('none (the story)', 'graceful (SIGTERM)', '', () => plain.restart());
    await scene('stock RDB save points', 'graceful (SIGTERM)', '3600 1 300 100 60 10000', () => plain.restart());
    await scene('stock RDB save points', 'crash (SIGKILL)', '3600 1 300 100 60 10000', async () => {
      await plain.kill();
      await plain.restart();
    });
    out.table(rows);
    out.bad(`${offLost} of ${nTasks} tasks lost: a list that lives only in memory dies with the process`);
    out.say('Stock redis.conf has RDB save points, and a graceful shutdown writes a snapshot: the story\'s loss needs');
    out.say('persistence switched off, or a crash before the next snapshot (the last row).');
    ctx.lost['Redis restart, no persistence'] = `${offLost} of ${nTasks}`;
  } finally {
    await plain.dispose();
  }
}

/** Step 3: a real worker process takes a task with BRPOP and is SIGKILLed. */
async function crashAfterPop(ctx: Ctx): Promise<void> {
  const { url, redis, prefix, conn, lost } = ctx;
  out.step('Disaster 2: a worker process dies right after BRPOP');
  const crashKey = `${prefix}:task:email:crash`;
  const crashLedger = new DoneLedger(redis, `${prefix}:s3`);
  await pushTasks(redis, crashKey, makeTasks(10));
  const s3 = performance.now();
  const child = await spawnCrashyWorker({ url, mode: 'list', key: crashKey, ledger: crashLedger.prefix });
  const tookAt = performance.now() - s3;
  await child.kill();
  const killedAt = performance.now() - s3;
  const left = await queuedIds(redis, crashKey);
  const healthy = new ListWorker({ conn: conn(), key: crashKey, name: 'worker-2', blockSec: 0.1, handler: (task) => crashLedger.record(task, 'worker-2') }).start();
  await waitFor(async () => (await redis.llen(crashKey)) === 0 && (await crashLedger.size()) === left.length, { timeoutMs: 5_000, what: 'the rest drained' });
  await healthy.stop();
  out.timeline([
    { atMs: tookAt, who: `worker-1 (pid ${child.pid})`, what: `BRPOP -> ${child.taskId}, starts sending the email` },
    { atMs: killedAt, who: `worker-1 (pid ${child.pid})`, what: 'SIGKILL (think OOM killer): no cleanup, no ack, nothing' },
    { atMs: performance.now() - s3, who: 'worker-2', what: `drained the other ${left.length}` },
  ]);
  const everDone = (await crashLedger.counts()).has(child.taskId);
  out.bad(`${child.taskId}: in the list? ${left.includes(child.taskId) ? 'yes' : 'no'}. Ever processed? ${everDone ? 'yes' : 'no'}. Lost for good.`);
  lost['worker crash after BRPOP'] = left.includes(child.taskId) || everDone ? 0 : 1;
}

/** Step 4: AOF everysec keeps queued tasks across a restart, not the popped one; and what it costs. */
async function aofEverysec(ctx: Ctx, nTasks: number): Promise<void> {
  const { lost } = ctx;
  out.step('The story\'s cure: AOF with appendfsync everysec');
  const aof = await ctx.privateServer({ appendonly: true, appendfsync: 'everysec' });
  try {
    const state = await aofState(aof.url);
    out.say(`A private redis-server with AOF (server says: aof ${state.enabled ? 'on' : 'off'}, appendfsync ${state.fsync}).`);
    const before = await withConn(aof.url, (r) => pushTasks(r, 'task:email', makeTasks(nTasks)));
    await aof.restart();
    const after = await withConn(aof.url, (r) => r.llen('task:email'));
    (after === before ? out.ok : out.bad)(`graceful restart: ${before} queued before, ${after} after`);
    const c2 = await spawnCrashyWorker({ url: aof.url, mode: 'list', key: 'task:email', ledger: 'aof' });
    await c2.kill();
    await aof.restart();
    const ids = await withConn(aof.url, (r) => queuedIds(r, 'task:email'));
    out.bad(`worker SIGKILLed after BRPOP, then a restart: ${ids.length} queued, ${c2.taskId} ${ids.includes(c2.taskId) ? 'is back' : 'is still gone'}: the AOF faithfully replays the pop`);
    lost['worker crash after BRPOP, with AOF'] = ids.includes(c2.taskId) ? 0 : 1;
  } finally {
    await aof.dispose();
  }
  out.say('What AOF costs here (LPUSH, 20 clients, 4 rounds of 150 ms each, median; `pnpm bench` for the full run):');
  const rows = await runAofBench({ durationMs: 150, rounds: 4, clients: 20, pipelines: [1], redisBenchmarkRequests: 0 });
  const none = rows[0].opsPerSec;
  out.table(
    rows.map((r) => ({
      persistence: r.config,
      'ops/s': Math.round(r.opsPerSec),
      'vs none': `${Math.round((r.opsPerSec / none) * 100)}%`,
      'p50 ms': Number(r.p50Ms!.toFixed(2)),
      'p99 ms': Number(r.p99Ms!.toFixed(2)),
    })),
  );
  const keep = (label: string) => Math.round(((rows.find((r) => r.config === label)?.opsPerSec ?? NaN) / none) * 100);
  const every = keep('AOF everysec');
  const verdict =
    every > 100 ? 'no measurable cost, the rest is run-to-run noise; nowhere near' : every >= 60 ? 'close to no persistence, nowhere near' : every > 30 ? 'a real cost, but short of' : 'as bad as';
  out.say(`everysec kept ${every}% of the throughput here (${verdict} the story's 20%); always kept ${keep('AOF always')}%.`);
  out.say('everysec write()s the log and fsyncs it once a second in a background thread; only `always` waits');
  out.say('for the disk on every write. Short runs on a shared machine are noisy: see the README for the full bench.');
}

/** Step 5: fix (a), BLMOVE + processing list + reaper, recovers the crashed worker's task. */
async function reliableQueue(ctx: Ctx): Promise<void> {
  const { url, redis, prefix, conn, lost, visibilityMs } = ctx;
  out.step('Fix (a): the reliable queue: BLMOVE into a processing list, plus a reaper');
  out.say(`Visibility timeout ${timings().describe('ackWaitMs')}, the job JetStream's AckWait does later:`);
  out.say('a task in progress longer than that goes back to the queue.');
  const rk = reliableKeys(`${prefix}:rq:email`);
  const rLedger = new DoneLedger(redis, `${prefix}:s5`);
  await pushReliable(redis, rk, makeTasks(10));
  const s5 = performance.now();
  const ev5: TimelineEvent[] = [];
  const c3 = await spawnCrashyWorker({ url, mode: 'reliable', key: rk.queue, ledger: rLedger.prefix });
  ev5.push({ atMs: performance.now() - s5, who: `worker-1 (pid ${c3.pid})`, what: `BLMOVE -> ${c3.taskId} (queue -> processing)` });
  await c3.kill();
  ev5.push({ atMs: performance.now() - s5, who: `worker-1 (pid ${c3.pid})`, what: `SIGKILL; processing list: [${(await processingIds(redis, rk)).join(', ')}]` });
  const reaper = new Reaper(conn(), rk, visibilityMs, undefined, (e) => {
    if (e.type === 'reaped') ev5.push({ atMs: performance.now() - s5, who: 'reaper', what: `moved back to the queue: ${e.ids.join(', ')}` });
  }).start();
  const rWorkers = ['worker-2', 'worker-3'].map((name) =>
    new ReliableWorker({
      conn: conn(),
      keys: rk,
      name,
      blockSec: 0.1,
      handler: (task) => rLedger.record(task, name),
      onEvent: (e) => {
        if (e.type === 'acked' && e.id === c3.taskId) ev5.push({ atMs: performance.now() - s5, who: name, what: `processed ${e.id}, LREM (the ack)` });
      },
    }).start(),
  );
  await waitFor(async () => (await rLedger.size()) === 10, { timeoutMs: visibilityMs + 10_000, what: 'all 10 reliable tasks done' });
  await Promise.all([...rWorkers.map((w) => w.stop()), reaper.stop()]);
  out.timeline(ev5);
  const rCounts = await rLedger.counts();
  out.ok(`10 of 10 tasks processed, each exactly once (${c3.taskId}: ${rCounts.get(c3.taskId) ?? 0} time, by ${await rLedger.by(c3.taskId)})`);
  lost['reliable queue (BLMOVE + reaper)'] = 10 - rCounts.size;
}

/** Step 6: fix (b), a Streams consumer group, recovers it with XAUTOCLAIM. */
async function streamsGroup(ctx: Ctx): Promise<void> {
  const { url, redis, prefix, conn, lost, visibilityMs } = ctx;
  out.step('Fix (b): Redis Streams with a consumer group (XREADGROUP / XACK / XAUTOCLAIM)');
  const ref = { stream: `${prefix}:stream:email`, group: 'email-workers' };
  const sLedger = new DoneLedger(redis, `${prefix}:s6`);
  await createGroupIfMissing(redis, ref);
  await addTasks(redis, ref, makeTasks(10));
  const s6 = performance.now();
  const ev6: TimelineEvent[] = [];
  const c4 = await spawnCrashyWorker({ url, mode: 'stream', key: ref.stream, group: ref.group, name: 'worker-1', ledger: sLedger.prefix });
  ev6.push({ atMs: performance.now() - s6, who: `worker-1 (pid ${c4.pid})`, what: `XREADGROUP -> ${c4.taskId}` });
  await c4.kill();
  const [p] = await pending(redis, ref);
  if (!p) throw new Error(`expected ${c4.taskId} to be pending for the killed consumer`);
  ev6.push({ atMs: performance.now() - s6, who: `worker-1 (pid ${c4.pid})`, what: `SIGKILL; XPENDING: ${p.entryId} held by ${p.consumer}, delivered ${p.deliveries}x` });
  let recovered: { by: string; deliveries: number } | undefined;
  const sWorkers = ['worker-2', 'worker-3'].map((name) =>
    new StreamWorker({
      conn: conn(),
      ref,
      name,
      minIdleMs: visibilityMs,
      blockMs: 100,
      handler: (task) => sLedger.record(task, name),
      onEvent: (e) => {
        if (e.type === 'recovered') {
          recovered = { by: name, deliveries: e.deliveries };
          ev6.push({ atMs: performance.now() - s6, who: name, what: `XAUTOCLAIM ${e.id} from ${e.from} (idle ${e.idleMs} ms), delivery #${e.deliveries}` });
        }
        if (e.type === 'acked' && e.id === c4.taskId) ev6.push({ atMs: performance.now() - s6, who: name, what: `processed ${e.id}, XACK` });
        if (e.type === 'removed-consumer') {
          ev6.push({ atMs: performance.now() - s6, who: name, what: `XGROUP DELCONSUMER ${e.consumer}: dead, and holding nothing now` });
        }
      },
    }).start(),
  );
  await waitFor(async () => (await sLedger.size()) === 10, { timeoutMs: visibilityMs + 10_000, what: 'all 10 stream tasks done' });
  await Promise.all(sWorkers.map((w) => w.stop()));
  out.timeline(ev6);
  const sCounts = await sLedger.counts();
  const stillPending = (await pending(redis, ref)).length;
  const members = (await consumers(redis, ref)).map((c) => c.name).sort();
  out.ok(
    `10 of 10 processed, each exactly once; ${c4.taskId} by ${recovered?.by ?? '?'} on delivery #${recovered?.deliveries ?? '?'}; pending now: ${stillPending};` +
      ` consumers in the group: ${members.join(', ')}`,
  );
  lost['Streams consumer group'] = 10 - sCounts.size;
}

/** Run `fn` with a short-lived connection (servers that restart get a fresh one after). */
async function withConn<T>(url: string, fn: (r: Redis) => Promise<T>): Promise<T> {
  const r = connectRedis(url);
  try {
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

/** Delete this run's keys from the shared Redis. */
async function cleanup(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
