// Exercise 01-heartbeat: keep a live worker's lease alive.
// Run `pnpm verify 01-heartbeat` to check it, `pnpm hint 01-heartbeat` for a hint.
// The table is the chapter's task_queue (src/setup.ts); a claim set status = 'processing',
// lease_id (the claim's fencing token) and locked_until (when the reaper may take the row back).
import type pg from 'pg';
import { NotWrittenYet } from '@mq/shared/workshop';

/**
 * The worker calls this every leaseMs / 3 while its handler runs. Push the task's locked_until
 * to now + leaseMs, but only if `task.lease_id` is still the claim that holds the row; return
 * whether it did. A worker whose lease already ran out and was handed on must change nothing.
 */
export async function extendLease(client: pg.ClientBase, task: { id: string; lease_id: string }, leaseMs: number): Promise<boolean> {
  void client;
  void task;
  void leaseMs;
  throw new NotWrittenYet('extendLease: one UPDATE of locked_until, for this claim only');
}
