// Fix (b): a Redis Stream with a consumer group. The crashed consumer's entry stays in the
// group's pending list (owner, idle time, delivery count); a healthy consumer takes it over
// with XAUTOCLAIM once it is idle long enough, processes it and XACKs: every task exactly once.
import { privateRedisFixture, type RedisFixture } from '@mq/shared/testing';
import { waitFor } from '@mq/shared';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnCrashyWorker } from '../src/spawn-worker';
import { addTasks, consumers, createGroupIfMissing, pending, pendingEntry, StreamWorker, type PendingEntry, type StreamEvent } from '../src/stream-queue';
import { DoneLedger, makeTasks } from '../src/task';
import { cleanupAfterEach } from './cleanup';

let fx: RedisFixture;
let redis: Redis;
const conn = () => fx.connect();

const cleanup = cleanupAfterEach();

beforeAll(async () => {
  fx = await privateRedisFixture();
  redis = fx.redis;
});
afterAll(() => fx?.dispose());

it("XAUTOCLAIM hands a SIGKILLed consumer's entry to another consumer, processed exactly once", async () => {
  const ref = { stream: 'tasks:email', group: 'email-workers' };
  const ledger = new DoneLedger(redis, 'streams');
  await createGroupIfMissing(redis, ref);
  await createGroupIfMissing(redis, ref); // idempotent
  const entryIds = await addTasks(redis, ref, makeTasks(20));

  const child = await spawnCrashyWorker({ url: fx.url, mode: 'stream', key: ref.stream, group: ref.group, name: 'crashy', ledger: ledger.prefix });
  cleanup(() => child.kill());
  expect(child.taskId).toBe('email:ORD-0001');
  const killedAt = performance.now();
  expect(await child.kill()).toBe('SIGKILL');
  // The group remembers: delivered to "crashy" once, never acknowledged.
  const held = await pending(redis, ref);
  expect(held).toHaveLength(1);
  expect(held[0]).toMatchObject({ entryId: entryIds[0], consumer: 'crashy', deliveries: 1 });
  // Redis's idle clock for the entry started at its delivery, which came before the kill: at most
  // this long before it (XPENDING ran after the kill, and reports whole milliseconds).
  const deliveredBeforeKillMs = held[0].idleMs + 1;

  const minIdleMs = 400;
  // The premise: when the healthy workers start, the entry is not yet idle long enough to take.
  expect(deliveredBeforeKillMs).toBeLessThan(minIdleMs);
  const events: (StreamEvent & { atMs: number })[] = [];
  let inRedisBeforeAck: PendingEntry | undefined;
  const workers = ['w1', 'w2'].map((name) => {
    const w = new StreamWorker({
      conn: conn(),
      ref,
      name,
      minIdleMs,
      blockMs: 100,
      onEvent: (e) => events.push({ ...e, atMs: performance.now() }),
      handler: async (t) => {
        // Between XAUTOCLAIM and XACK: ask Redis itself who holds the entry and how often it was delivered.
        if (t.id === child.taskId) inRedisBeforeAck = await pendingEntry(redis, ref, entryIds[0]);
        await ledger.record(t, name);
      },
    }).start();
    cleanup(() => w.stop());
    return w;
  });
  await waitFor(async () => (await ledger.size()) === 20, { timeoutMs: 8_000, what: 'all 20 tasks done' });
  await Promise.all(workers.map((w) => w.stop()));

  const counts = await ledger.counts();
  expect(counts.size).toBe(20);
  expect([...counts].filter(([, n]) => n !== 1), 'tasks not processed exactly once').toEqual([]);
  const recovered = events.filter((e) => e.type === 'recovered');
  expect(recovered).toHaveLength(1);
  const by = await ledger.by(child.taskId);
  expect(['w1', 'w2']).toContain(by);
  expect(recovered[0]).toMatchObject({ id: child.taskId, from: 'crashy', worker: by, deliveries: 2 });
  // Redis's own record, read after the claim and before the ack: the new owner, delivery #2.
  expect(inRedisBeforeAck).toMatchObject({ entryId: entryIds[0], consumer: by, deliveries: 2 });
  // Not taken over until it had been idle minIdleMs since delivery, checked on the test's own
  // clock: recovery >= delivery + 400 ms, and delivery >= kill - deliveredBeforeKillMs. (A claim
  // ignoring the idle threshold would come at the workers' first round, a few ms after the kill.)
  // (-2: Redis counts whole milliseconds on its own clock.)
  expect(recovered[0].atMs - killedAt).toBeGreaterThanOrEqual(minIdleMs - deliveredBeforeKillMs - 2);
  expect(await pending(redis, ref)).toEqual([]);
  expect(events.filter((e) => e.type === 'acked')).toHaveLength(20);
  // The dead consumer, its entry taken over, is removed from the group; the live ones stay.
  expect((await consumers(redis, ref)).map((c) => c.name).sort(), 'consumers left in the group').toEqual(['w1', 'w2']);
  expect(events.filter((e) => e.type === 'removed-consumer').map((e) => (e as { consumer: string }).consumer)).toEqual(['crashy']);
});
