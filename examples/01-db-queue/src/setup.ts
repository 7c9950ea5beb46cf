// What the lesson creates on PostgreSQL: the shop's orders table, and the story's task_queue with the
// few columns a correct Postgres queue needs on top (run_at, locked_by, lease_id, locked_until,
// last_error), plus the helpers tests and scenes use to fill and read it. The naive worker ignores
// the extra columns; the fixed worker relies on them. The demo drops its whole database at the end.
import type pg from 'pg';

export type TaskStatus = 'pending' | 'processing' | 'completed' | 'failed';

/** A task_queue row as node-postgres returns it. */
export interface TaskRow {
  id: string; // BIGINT arrives as a string
  task_type: string;
  payload: Record<string, unknown>;
  status: TaskStatus;
  retry_count: number;
  created_at: Date;
  updated_at: Date;
  run_at: Date;
  locked_by: string | null;
  lease_id: string | null;
  locked_until: Date | null;
  last_error: string | null;
}

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS orders (
  id          TEXT PRIMARY KEY,
  user_id     INT NOT NULL,
  email       TEXT NOT NULL,
  items       JSONB NOT NULL,
  points      INT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The story's table (id, task_type, payload, status, retry_count, created_at, updated_at), with
-- the fixes the seed left out: a generated id, JSONB, NOT NULL and CHECK constraints, time zones.
CREATE TABLE IF NOT EXISTS task_queue (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  task_type    VARCHAR(50) NOT NULL,
  payload      JSONB NOT NULL,
  status       VARCHAR(20) NOT NULL DEFAULT 'pending'
               CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
  retry_count  INT NOT NULL DEFAULT 0,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- used only by the fixed worker:
  run_at       TIMESTAMPTZ NOT NULL DEFAULT now(),  -- not before (retry backoff)
  locked_by    TEXT,                                -- which worker holds the lease (for humans)
  lease_id     UUID,                                -- fencing token of the current claim
  locked_until TIMESTAMPTZ,                         -- the lease / visibility timeout
  last_error   TEXT
);

-- What workers look for: runnable pending rows, and processing rows whose lease ran out.
CREATE INDEX IF NOT EXISTS task_queue_runnable ON task_queue (run_at, id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS task_queue_leased ON task_queue (locked_until) WHERE status = 'processing';

-- Wake listening workers when tasks arrive. NOTIFY is transactional: delivered at COMMIT,
-- never for a rolled-back insert, and one per statement (not per row) is enough to wake them.
CREATE OR REPLACE FUNCTION task_queue_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('task_queue', TG_OP);
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS task_queue_notify ON task_queue;
CREATE TRIGGER task_queue_notify AFTER INSERT ON task_queue
  FOR EACH STATEMENT EXECUTE FUNCTION task_queue_notify();
`;

export const NOTIFY_CHANNEL = 'task_queue';

export async function createSchema(db: pg.Pool | pg.Client): Promise<void> {
  await db.query(SCHEMA_SQL);
}

/** Insert bare tasks (tests and experiments); returns their ids in insertion order. */
export async function insertTasks(db: pg.Pool | pg.Client, tasks: { type: string; payload: object }[]): Promise<string[]> {
  if (tasks.length === 0) return [];
  const res = await db.query<{ id: string }>(
    `INSERT INTO task_queue (task_type, payload)
     SELECT t, p FROM unnest($1::text[], $2::jsonb[]) WITH ORDINALITY AS x(t, p, n) ORDER BY n
     RETURNING id`,
    [tasks.map((t) => t.type), tasks.map((t) => JSON.stringify(t.payload))],
  );
  return res.rows.map((r) => r.id).sort((a, b) => Number(a) - Number(b));
}

export async function taskById(db: pg.Pool | pg.Client, id: string): Promise<TaskRow> {
  const res = await db.query<TaskRow>('SELECT * FROM task_queue WHERE id = $1', [id]);
  if (!res.rows[0]) throw new Error(`task ${id} does not exist`);
  return res.rows[0];
}

export async function statusCounts(db: pg.Pool | pg.Client): Promise<Record<TaskStatus, number>> {
  const res = await db.query<{ status: TaskStatus; n: string }>('SELECT status, count(*) AS n FROM task_queue GROUP BY status');
  const counts: Record<TaskStatus, number> = { pending: 0, processing: 0, completed: 0, failed: 0 };
  for (const r of res.rows) counts[r.status] = Number(r.n);
  return counts;
}

/** The transactions that created an order's row and its task rows (one xmin means one transaction). */
export async function creatingTransactions(db: pg.Pool | pg.Client, orderId: string): Promise<{ xmin: string; rows: number }[]> {
  const res = await db.query<{ xmin: string; n: string }>(
    `SELECT xmin::text, count(*) AS n FROM (SELECT xmin FROM orders WHERE id = $1
       UNION ALL SELECT xmin FROM task_queue WHERE payload->>'orderId' = $1) r GROUP BY xmin`,
    [orderId],
  );
  return res.rows.map((r) => ({ xmin: r.xmin, rows: Number(r.n) }));
}
