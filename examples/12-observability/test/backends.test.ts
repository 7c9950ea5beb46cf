// The chapter's claims on the other backends: on Postgres, depth falls to 1 while the age of the
// oldest pending task (locked by a hung worker) stays over a minute; on Redis, the processing
// list keeps the 3 tasks a crashed worker held after the queue list is empty.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pgPool } from '@mq/shared';
import { privateDatabase, privateRedisFixture, type RedisFixture } from '@mq/shared/testing';
import type { ResolvedService } from '@mq/shared';
import type pg from 'pg';
import { pgBacklog, redisStuckWork } from '../src/scene-backends';

let db: ResolvedService;
let pool: pg.Pool;
let redis: RedisFixture;

beforeAll(async () => {
  db = await privateDatabase('mqtest_l12');
  pool = pgPool(db.url, { max: 3 });
  redis = await privateRedisFixture();
});
afterAll(async () => {
  await pool?.end();
  await db?.close();
  await redis?.dispose();
});

it('Postgres: depth 1 looks healthy while the oldest pending task is over a minute old', async () => {
  const { samples } = await pgBacklog(pool, { burst: 120, perStep: 50 });
  const idle = samples.find((s) => s.step === 'the healthy worker is idle')!;
  expect({ pending: idle.pending, completed: idle.completed }, 'after the healthy worker drained the rest').toEqual({ pending: 1, completed: 124 });
  expect(idle.oldestPendingMs, 'age of the task the hung worker holds, ms').toBeGreaterThanOrEqual(60_000);
  const burst = samples[1];
  expect(burst.pending, 'depth right after the burst').toBe(125);
  const last = samples.at(-1)!;
  expect({ pending: last.pending, oldest: last.oldestPendingMs }, 'once the hung worker is gone').toEqual({ pending: 0, oldest: 0 });
});

it('Redis: the queue list empties, the processing list keeps the 3 tasks the crashed worker held', async () => {
  const { samples } = await redisStuckWork(redis.redis, { tasks: 20, crashHolding: 3 });
  expect(samples.map((s) => [s.queued, s.processing]), '[queue, processing] after each step').toEqual([[20, 0], [3, 0], [0, 3]]);
});
