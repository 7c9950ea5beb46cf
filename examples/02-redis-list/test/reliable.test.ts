// Fix (a): BLMOVE into a processing list + a reaper. The crashed worker's task is still in
// Redis (in the processing list), the reaper moves it back after the visibility timeout, and a
// healthy worker processes it: every task exactly once. Plus the price: a worker slower than
// the timeout gets its task duplicated (at-least-once), and learns it when its ack finds nothing.
import { privateRedisFixture, type RedisFixture } from '@mq/shared/testing';
import { delay, waitFor } from '@mq/shared';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { queuedIds } from '../src/list-queue';
import { claimTask, completeTask, processingIds, pushReliable, Reaper, reapStale, reliableKeys, ReliableWorker, type ReliableEvent } from '../src/reliable-queue';
import { spawnCrashyWorker } from '../src/spawn-worker';
import { DoneLedger, makeTasks } from '../src/task';
import { cleanupAfterEach } from './cleanup';

let fx: RedisFixture;
let redis: Redis;
const cleanup = cleanupAfterEach();
const conn = () => fx.connect();

beforeAll(async () => {
  fx = await privateRedisFixture();
  redis = fx.redis;
});
afterAll(() => fx?.dispose());

it("the reaper returns a SIGKILLed worker's task and another worker processes it, exactly once", async () => {
  const keys = reliableKeys('task:email');
  const ledger = new DoneLedger(redis, 'reliable');
  await pushReliable(redis, keys, makeTasks(20));

  const child = await spawnCrashyWorker({ url: fx.url, mode: 'reliable', key: keys.queue, ledger: ledger.prefix });
  cleanup(() => child.kill());
  expect(await child.kill()).toBe('SIGKILL');
  // Unlike BRPOP, the task is still in Redis: parked in the processing list.
  expect(await processingIds(redis, keys)).toEqual([child.taskId]);
  expect(await redis.llen(keys.queue)).toBe(19);

  const visibilityMs = 400;
  const events: ReliableEvent[] = [];
  const reaper = new Reaper(conn(), keys, visibilityMs, 50, (e) => events.push(e)).start();
  cleanup(() => reaper.stop());
  const workers = ['w1', 'w2'].map((name) =>
    new ReliableWorker({ conn: conn(), keys, name, blockSec: 0.1, onEvent: (e) => events.push(e), handler: (t) => ledger.record(t, name) })
      .start(),
  );
  workers.forEach((w) => cleanup(() => w.stop()));
  await waitFor(async () => (await ledger.size()) === 20, { timeoutMs: 8_000, what: 'all 20 tasks done' });
  await Promise.all([...workers.map((w) => w.stop()), reaper.stop()]);

  const counts = await ledger.counts();
  expect(counts.size).toBe(20);
  expect([...counts].filter(([, n]) => n !== 1), 'tasks not processed exactly once').toEqual([]);
  expect(reaper.reaped).toEqual([child.taskId]);
  expect(['w1', 'w2']).toContain(await ledger.by(child.taskId));
  expect(events.filter((e) => e.type === 'late-ack')).toEqual([]);
  expect(await processingIds(redis, keys)).toEqual([]);
  expect(await redis.hlen(keys.claimedAt)).toBe(0);
});

it('a worker slower than the visibility timeout: the task is done twice, and the slow ack finds nothing', async () => {
  const keys = reliableKeys('task:slow');
  const ledger = new DoneLedger(redis, 'slow');
  await pushReliable(redis, keys, makeTasks(1));
  const events: ReliableEvent[] = [];
  const reaper = new Reaper(conn(), keys, 150, 30, (e) => events.push(e)).start();
  cleanup(() => reaper.stop());
  const slow = new ReliableWorker({
    conn: conn(),
    keys,
    name: 'slow',
    blockSec: 0.1,
    onEvent: (e) => events.push(e),
    handler: async (t) => {
      await delay(600); // models a 600 ms SMTP call against a 150 ms visibility timeout
      await ledger.record(t, 'slow');
    },
  }).start();
  cleanup(() => slow.stop());
  await waitFor(() => events.some((e) => e.type === 'took' && e.worker === 'slow'), { timeoutMs: 3_000, what: 'slow worker took the task' });
  const fast = new ReliableWorker({ conn: conn(), keys, name: 'fast', blockSec: 0.1, onEvent: (e) => events.push(e), handler: (t) => ledger.record(t, 'fast') }).start();
  cleanup(() => fast.stop());
  await waitFor(() => events.some((e) => e.type === 'late-ack'), { timeoutMs: 5_000, what: "the slow worker's late ack" });
  await Promise.all([slow.stop(), fast.stop(), reaper.stop()]);

  expect((await ledger.counts()).get('email:ORD-0001')).toBe(2);
  expect(events.filter((e) => e.type === 'acked').map((e) => (e as { worker: string }).worker)).toEqual(['fast']);
  expect(events.filter((e) => e.type === 'late-ack').map((e) => (e as { worker: string }).worker)).toEqual(['slow']);
  expect(await processingIds(redis, keys)).toEqual([]);
});

it("a late ack after another worker re-took the task is reported late, and leaves the other worker's claim alone", async () => {
  const keys = reliableKeys('task:fenced');
  await pushReliable(redis, keys, makeTasks(1));
  const [a, b] = [conn(), conn()];
  const slow = await claimTask(a, keys, 1);
  if (!slow) throw new Error('worker A took nothing');
  // A stalls past the visibility timeout: the reaper hands the task back, and B takes it.
  expect(await reapStale(redis, keys, 0)).toEqual(['email:ORD-0001']);
  const fresh = await claimTask(b, keys, 1);
  expect(fresh?.task.id).toBe('email:ORD-0001');
  // A wakes up and acks: too late, and it must not remove B's entry.
  expect(await completeTask(a, keys, slow), "worker A's late ack was reported on time").toBe(false);
  expect(await processingIds(redis, keys), "B's claim, still in progress").toEqual(['email:ORD-0001']);
  // B's ack is the one that counts.
  expect(await completeTask(b, keys, fresh!), "worker B's ack").toBe(true);
  expect(await processingIds(redis, keys)).toEqual([]);
  expect(await redis.hlen(keys.claimedAt)).toBe(0);
});

it('the reaper moves a stale claim back no sooner than the visibility timeout, and within a round after it', async () => {
  const keys = reliableKeys('task:timing');
  await pushReliable(redis, keys, makeTasks(1));
  const visibilityMs = 400;
  const everyMs = 50;
  const claimed = await claimTask(conn(), keys, 1);
  if (!claimed) throw new Error('took nothing');
  const stampedAt = Number(await redis.hget(keys.claimedAt, claimed.task.id)); // Redis server time, ms
  const reaper = new Reaper(conn(), keys, visibilityMs, everyMs).start();
  cleanup(() => reaper.stop());
  // Watch on Redis's own clock: TIME and the processing list read in one MULTI.
  let movedAt = NaN;
  await waitFor(
    async () => {
      const [[, time], [, list]] = (await redis.multi().time().lrange(keys.processing, 0, -1).exec()) as [unknown, unknown][];
      const [sec, usec] = time as [string, string];
      const nowMs = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
      if ((list as string[]).length > 0) return false;
      movedAt = nowMs - stampedAt;
      return true;
    },
    { timeoutMs: 5_000, intervalMs: 5, what: 'the reaper to move the task back' },
  );
  await reaper.stop();
  expect(movedAt, 'ms from claim until the reaper moved it back (before the visibility timeout)').toBeGreaterThanOrEqual(visibilityMs);
  // One reaper round (50 ms) after the timeout, plus slack for a loaded machine.
  expect(movedAt, 'ms from claim until the reaper moved it back').toBeLessThanOrEqual(visibilityMs + everyMs + 250);
  expect(await queuedIds(redis, keys.queue)).toEqual(['email:ORD-0001']);
});
