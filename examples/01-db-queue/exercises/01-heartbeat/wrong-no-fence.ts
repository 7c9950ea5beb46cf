// wrong: the row is found by its id, so the id seems enough
// expect: a claim it no longer holds
import type pg from 'pg';

export async function extendLease(client: pg.ClientBase, task: { id: string; lease_id: string }, leaseMs: number): Promise<boolean> {
  const res = await client.query(
    `UPDATE task_queue SET locked_until = now() + $2 * interval '1 millisecond'
      WHERE id = $1 AND status = 'processing'`,
    [task.id, leaseMs],
  );
  return res.rowCount === 1;
}
