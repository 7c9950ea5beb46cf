// The console's Postgres and Redis panels: a lesson's task_queue shows its states and the age of
// its oldest pending task; the lessons' lists show their lengths, and nothing outside a lesson's
// scope is listed.
import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import type { ResolvedService } from '@mq/shared';
import { privateDatabase, privateRedisFixture, type RedisFixture } from '@mq/shared/testing';
import { PostgresSource } from '../src/sources/postgres-source';
import { readRedisLists } from '../src/sources/redis-source';

let db: ResolvedService;
let redis: RedisFixture;

beforeAll(async () => {
  db = await privateDatabase('l98_console'); // a name in a lesson scope, so the console watches it
  redis = await privateRedisFixture();
});
afterAll(async () => {
  await db?.close();
  await redis?.dispose();
});

it('Postgres: task_queue states and the oldest pending task\'s age, for a database in a lesson scope', async () => {
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  await c.query(`CREATE TABLE task_queue (id serial PRIMARY KEY, status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  await c.query(`INSERT INTO task_queue (status, created_at) VALUES ('pending', now() - interval '60 seconds'), ('pending', now()), ('pending', now()),
    ('completed', now()), ('completed', now())`);
  await c.end();
  const base = new URL(db.url);
  base.pathname = '/postgres';
  const source = new PostgresSource(base.toString());
  try {
    const name = new URL(db.url).pathname.slice(1);
    const mine = (await source.read()).filter((t) => t.database === name);
    expect(mine.map((t) => ({ table: t.table, states: t.states }))).toEqual([{ table: 'public.task_queue', states: { pending: 3, completed: 2 } }]);
    expect(mine[0].oldestPendingAgeMs, 'age of the oldest pending task, ms').toBeGreaterThanOrEqual(60_000);
  } finally {
    await source.close();
  }
});

it('Redis: the length of every lesson list, and nothing outside the lessons\' scopes', async () => {
  await redis.redis.lpush('l12:queue:email', 'a', 'b', 'c');
  await redis.redis.lpush('l12:processing:email', 'd');
  await redis.redis.lpush('someone-elses-list', 'x');
  await redis.redis.set('l12:not-a-list', '1');
  expect(await readRedisLists(redis.redis)).toEqual([
    { key: 'l12:processing:email', length: 1 },
    { key: 'l12:queue:email', length: 3 },
  ]);
});
