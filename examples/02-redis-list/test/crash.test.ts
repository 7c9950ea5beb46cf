// Disaster 2 of the chapter: a worker process dies after BRPOP. The task left Redis the moment
// it was popped, so once the process is gone the task is gone: not in the list, never done.
import { privateRedisFixture, type RedisFixture } from '@mq/shared/testing';
import { waitFor } from '@mq/shared';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ListWorker, pushTasks, queuedIds } from '../src/list-queue';
import { spawnCrashyWorker } from '../src/spawn-worker';
import { DoneLedger, makeTasks } from '../src/task';
import { cleanupAfterEach } from './cleanup';

let fx: RedisFixture;
let redis: Redis;
const cleanup = cleanupAfterEach();

beforeAll(async () => {
  fx = await privateRedisFixture();
  redis = fx.redis;
});
afterAll(() => fx?.dispose());

it('a worker SIGKILLed after BRPOP loses its task for good', async () => {
  const key = 'task:email';
  const ledger = new DoneLedger(redis, 'crash');
  await pushTasks(redis, key, makeTasks(20));

  const child = await spawnCrashyWorker({ url: fx.url, mode: 'list', key, ledger: ledger.prefix });
  cleanup(() => child.kill());
  expect(child.taskId).toBe('email:ORD-0001'); // BRPOP takes the oldest
  expect(await child.kill()).toBe('SIGKILL');

  // Gone from Redis: 19 left, and not the one the child held.
  const left = await queuedIds(redis, key);
  expect(left).toHaveLength(19);
  expect(left).not.toContain(child.taskId);

  // A healthy worker drains the rest; the lost task never comes back.
  const worker = new ListWorker({ conn: fx.connect(), key, name: 'healthy', blockSec: 0.1, handler: (t) => ledger.record(t, 'healthy') }).start();
  cleanup(() => worker.stop());
  await waitFor(async () => (await ledger.size()) === 19 && (await redis.llen(key)) === 0, { timeoutMs: 5_000, what: 'the 19 remaining tasks done' });
  await worker.stop();
  const counts = await ledger.counts();
  expect(counts.has(child.taskId)).toBe(false);
  expect([...counts].filter(([, n]) => n !== 1), 'tasks not processed exactly once').toEqual([]);
  expect(await redis.llen(key)).toBe(0);
});
