// The same two questions on the other backends of the story. Postgres (lesson 01's task_queue):
// how many tasks wait (depth) and how long the oldest has waited (age). Depth says "add
// workers"; age catches what depth hides: ten pending tasks are fine unless one is an hour old.
// Redis (lesson 02's lists): the queue list's length is the backlog; the processing list's
// length is work taken and not finished, which only shrinks when a worker completes it.
import type pg from 'pg';
import type { Redis } from 'ioredis';

export interface PgQueueSample {
  pending: number;
  processing: number;
  completed: number;
  /** Age of the oldest pending task, ms (0 if none). */
  oldestPendingMs: number;
}

// #region look-backends
export async function samplePgQueue(pool: pg.Pool): Promise<PgQueueSample> {
  const { rows } = await pool.query<{ pending: number; processing: number; completed: number; oldest_ms: number }>(`
    SELECT count(*) FILTER (WHERE status = 'pending')::int    AS pending,
           count(*) FILTER (WHERE status = 'processing')::int AS processing,
           count(*) FILTER (WHERE status = 'completed')::int  AS completed,
           coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE status = 'pending')) * 1000, 0)::float8 AS oldest_ms
      FROM task_queue`);
  const r = rows[0];
  return { pending: r.pending, processing: r.processing, completed: r.completed, oldestPendingMs: Math.round(r.oldest_ms) };
}

export async function sampleRedisQueue(redis: Redis, queue: string, processing: string): Promise<{ queued: number; processing: number }> {
  const [queued, inHand] = await Promise.all([redis.llen(queue), redis.llen(processing)]);
  return { queued, processing: inHand };
}
// #endregion look-backends

export const TASK_QUEUE_SQL = `
CREATE TABLE IF NOT EXISTS task_queue (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task_type   VARCHAR(50) NOT NULL,
  payload     JSONB NOT NULL,
  status      VARCHAR(20) NOT NULL DEFAULT 'pending',
  retry_count INT NOT NULL DEFAULT 0,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS task_queue_pending ON task_queue (created_at) WHERE status = 'pending';`;

/** Insert `count` pending tasks, created `agoMs` ago. */
export async function enqueueTasks(pool: pg.Pool, count: number, agoMs = 0): Promise<void> {
  await pool.query(
    `INSERT INTO task_queue (task_type, payload, created_at)
     SELECT 'send_email', jsonb_build_object('order', 'ORD-' || lpad(g::text, 4, '0')), now() - make_interval(secs => $2::float8 / 1000)
       FROM generate_series(1, $1) g`,
    [count, agoMs],
  );
}

/** One worker step: claim up to `limit` of the oldest pending tasks (SKIP LOCKED) and complete them. */
export async function completeOldest(pool: pg.Pool, limit: number): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE task_queue SET status = 'completed', updated_at = now()
      WHERE id IN (SELECT id FROM task_queue WHERE status = 'pending' ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)`,
    [limit],
  );
  return rowCount ?? 0;
}
