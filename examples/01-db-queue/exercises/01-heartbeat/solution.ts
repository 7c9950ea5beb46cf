// Reference solution of 01-heartbeat: the worker's own heartbeat (src/worker.ts, HEARTBEAT_SQL).
import type pg from 'pg';

export async function extendLease(client: pg.ClientBase, task: { id: string; lease_id: string }, leaseMs: number): Promise<boolean> {
  const res = await client.query(
    `UPDATE task_queue SET locked_until = now() + $3 * interval '1 millisecond'
      WHERE id = $1 AND lease_id = $2 AND status = 'processing'`,
    [task.id, task.lease_id, leaseMs],
  );
  return res.rowCount === 1;
}
