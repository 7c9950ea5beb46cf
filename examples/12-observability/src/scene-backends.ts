// Scene: the backlog and its age on Postgres, and stuck work on Redis.
//  - Postgres: 5 tasks from a minute ago, one of them locked by a hung worker, then a burst. A
//    healthy worker (SKIP LOCKED) drains everything else: depth falls to 1, which looks fine,
//    while the oldest pending task's age keeps growing past a minute. Age catches what depth hides.
//  - Redis: a reliable worker moves each task to a processing list; it "crashes" holding 3, and
//    the processing list stays at 3 after the queue is empty: the sign of lost work.
import type pg from 'pg';
import type { Redis } from 'ioredis';
import { completeOldest, enqueueTasks, samplePgQueue, sampleRedisQueue, TASK_QUEUE_SQL, type PgQueueSample } from './backend-metrics';
import { NAMES } from './setup';

export interface PgRun {
  samples: (PgQueueSample & { step: string })[];
}

export async function pgBacklog(pool: pg.Pool, o: { burst: number; perStep: number }): Promise<PgRun> {
  await pool.query(TASK_QUEUE_SQL);
  await pool.query('TRUNCATE task_queue');
  const samples: PgRun['samples'] = [];
  const take = async (step: string) => samples.push({ step, ...(await samplePgQueue(pool)) });
  await enqueueTasks(pool, 5, 60_000);
  await take('5 tasks from a minute ago');
  // A worker that hangs: it locked the oldest task in an open transaction and never comes back.
  const hung = await pool.connect();
  try {
    await hung.query('BEGIN');
    await hung.query(`SELECT id FROM task_queue WHERE status = 'pending' ORDER BY created_at, id LIMIT 1 FOR UPDATE`);
    await enqueueTasks(pool, o.burst);
    await take(`a burst of ${o.burst}; a hung worker holds the oldest`);
    let round = 0;
    while ((await completeOldest(pool, o.perStep)) > 0) {
      round += 1;
      if (round % 2 === 0) await take(`worker round ${round} (${o.perStep} per round)`);
    }
    await take('the healthy worker is idle');
  } finally {
    await hung.query('ROLLBACK').catch(() => {});
    hung.release();
  }
  await completeOldest(pool, o.perStep);
  await take('the hung worker is killed; its task is taken');
  return { samples };
}

export interface RedisRun {
  samples: { step: string; queued: number; processing: number }[];
}

export async function redisStuckWork(redis: Redis, o: { tasks: number; crashHolding: number }): Promise<RedisRun> {
  const { redisQueue: queue, redisProcessing: processing } = NAMES;
  await redis.del(queue, processing);
  const samples: RedisRun['samples'] = [];
  const take = async (step: string) => samples.push({ step, ...(await sampleRedisQueue(redis, queue, processing)) });
  await redis.lpush(queue, ...Array.from({ length: o.tasks }, (_, i) => `ORD-${String(i + 1).padStart(4, '0')}`));
  await take(`${o.tasks} tasks pushed`);
  // A reliable worker: LMOVE into the processing list, do the work, then LREM it from there.
  for (let i = 0; i < o.tasks - o.crashHolding; i++) {
    const task = await redis.lmove(queue, processing, 'RIGHT', 'LEFT');
    if (task) await redis.lrem(processing, 1, task);
  }
  await take(`${o.tasks - o.crashHolding} done`);
  for (let i = 0; i < o.crashHolding; i++) await redis.lmove(queue, processing, 'RIGHT', 'LEFT');
  await take(`takes ${o.crashHolding} more, then crashes`);
  return { samples };
}
