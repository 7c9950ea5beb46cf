// Fix (b): a Redis Stream with a consumer group. The crashed consumer's entry stays in the
// group's pending list (owner, idle time, delivery count); a healthy consumer takes it over
// with XAUTOCLAIM once it is idle long enough, processes it and XACKs: every task exactly once.
// Subpath imports keep each test file's import cost low (the shared index also loads NATS and Postgres helpers).
import { connectRedis } from '@mq/shared/connect';
import { PrivateRedisServer } from '@mq/shared/services/redis-server';
import { waitFor } from '@mq/shared/wait';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnCrashyWorker } from '../src/spawn-worker';
import { addTasks, ensureGroup, pending, StreamWorker, type StreamEvent } from '../src/stream-queue';
import { DoneLedger, makeTasks } from '../src/task';

let server: PrivateRedisServer;
let redis: Redis;
const conns: Redis[] = [];
const conn = () => {
  const c = connectRedis(server.url);
  conns.push(c);
  return c;
};

beforeAll(async () => {
  server = await PrivateRedisServer.start();
  redis = conn();
});
afterAll(async () => {
  conns.forEach((c) => c.disconnect());
  await server?.dispose();
});

it("XAUTOCLAIM hands a SIGKILLed consumer's entry to another consumer, processed exactly once", async () => {
  const ref = { stream: 'tasks:email', group: 'email-workers' };
  const ledger = new DoneLedger(redis, 'streams');
  await ensureGroup(redis, ref);
  await ensureGroup(redis, ref); // idempotent
  const entryIds = await addTasks(redis, ref, makeTasks(20));

  const child = await spawnCrashyWorker({ url: server.url, mode: 'stream', key: ref.stream, group: ref.group, name: 'crashy', ledger: ledger.prefix });
  expect(child.taskId).toBe('email:ORD-0001');
  expect(await child.kill()).toBe('SIGKILL');
  // The group remembers: delivered to "crashy" once, never acknowledged.
  const held = await pending(redis, ref);
  expect(held).toHaveLength(1);
  expect(held[0]).toMatchObject({ entryId: entryIds[0], consumer: 'crashy', deliveries: 1 });

  const minIdleMs = 400;
  const events: StreamEvent[] = [];
  const workers = ['w1', 'w2'].map((name) =>
    new StreamWorker({ conn: conn(), ref, name, minIdleMs, blockMs: 100, onEvent: (e) => events.push(e), handler: (t) => ledger.record(t, name) }).start(),
  );
  await waitFor(async () => (await ledger.size()) === 20, { timeoutMs: 8_000, what: 'all 20 tasks done' });
  await Promise.all(workers.map((w) => w.stop()));

  const counts = await ledger.counts();
  expect(counts.size).toBe(20);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  const recovered = events.filter((e) => e.type === 'recovered');
  expect(recovered).toHaveLength(1);
  expect(recovered[0]).toMatchObject({ id: child.taskId, from: 'crashy', deliveries: 2 });
  expect((recovered[0] as { idleMs: number }).idleMs).toBeGreaterThanOrEqual(minIdleMs);
  expect(['w1', 'w2']).toContain(await ledger.by(child.taskId));
  expect(await pending(redis, ref)).toEqual([]);
  expect(events.filter((e) => e.type === 'acked')).toHaveLength(20);
});
