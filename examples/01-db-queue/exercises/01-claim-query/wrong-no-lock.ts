// wrong: the seed's shape: find a pending row, then mark it; two statements, no lock
// expect: was claimed twice
import type pg from 'pg';

export interface Claimed {
  id: string;
  lease_id: string;
}

export async function claimNext(client: pg.ClientBase, worker: string, leaseMs: number): Promise<Claimed | null> {
  const found = await client.query<{ id: string }>(
    `SELECT id FROM task_queue WHERE status = 'pending' AND run_at <= now() ORDER BY run_at, id LIMIT 1`,
  );
  const id = found.rows[0]?.id;
  if (id === undefined) return null;
  const res = await client.query<Claimed>(
    `UPDATE task_queue
        SET status = 'processing', locked_by = $2, lease_id = gen_random_uuid(),
            locked_until = now() + $3 * interval '1 millisecond', updated_at = now()
      WHERE id = $1
  RETURNING id, lease_id`,
    [id, worker, leaseMs],
  );
  return res.rows[0] ?? null;
}
