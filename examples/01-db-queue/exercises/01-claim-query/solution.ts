// Reference solution of 01-claim-query: the worker's claim (src/worker.ts, CLAIM_SQL), one row.
import type pg from 'pg';

export interface Claimed {
  id: string;
  lease_id: string;
}

export async function claimNext(client: pg.ClientBase, worker: string, leaseMs: number): Promise<Claimed | null> {
  const res = await client.query<Claimed>(
    `UPDATE task_queue AS t
        SET status = 'processing', locked_by = $1, lease_id = gen_random_uuid(),
            locked_until = now() + $2 * interval '1 millisecond', updated_at = now()
       FROM (SELECT id FROM task_queue
              WHERE status = 'pending' AND run_at <= now()
              ORDER BY run_at, id
              LIMIT 1
              FOR UPDATE SKIP LOCKED) AS next
      WHERE t.id = next.id
  RETURNING t.id, t.lease_id`,
    [worker, leaseMs],
  );
  return res.rows[0] ?? null;
}
