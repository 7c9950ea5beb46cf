// Exercise 01-claim-query: write the claim of a Postgres task queue.
// Run `pnpm verify 01-claim-query` to check it, `pnpm hint 01-claim-query` for a hint.
// The table is the chapter's task_queue (src/setup.ts): id, status, run_at, locked_by, lease_id,
// locked_until, updated_at, ...
import type pg from 'pg';
import { NotWrittenYet } from '@mq/shared/workshop';

export interface Claimed {
  id: string;
  lease_id: string;
}

/**
 * Claim the oldest runnable task (status 'pending', run_at <= now(), ordered by run_at, id) for
 * `worker`: mark it 'processing', set locked_by = worker, a fresh lease_id (gen_random_uuid())
 * and locked_until = now() + leaseMs, and return its id and lease_id; null when nothing is runnable.
 * Eight workers call this at once: no task may go to two of them, and a row that another
 * transaction has locked must not make this call wait.
 */
export async function claimNext(client: pg.ClientBase, worker: string, leaseMs: number): Promise<Claimed | null> {
  void client;
  void worker;
  void leaseMs;
  throw new NotWrittenYet('claimNext: one statement that takes the oldest pending task with a lease');
}
