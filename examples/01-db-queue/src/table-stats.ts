// Count what the database itself saw, instead of trusting the application's arithmetic:
// pg_stat_user_tables keeps per-table counters of scans and of rows inserted, updated, deleted.
// Since PostgreSQL 15 a backend publishes its counters when it exits, or when it has been idle
// for about a second; so measure after closing the connections that did the work, and wait for
// the numbers to arrive (with a deadline) rather than sleeping.
import { waitFor } from '@mq/shared';
import type pg from 'pg';

export interface TableCounters {
  /** Scans started on the table (each poll or claim query is one). */
  scans: number;
  inserted: number;
  updated: number;
  /** Updates that could stay on the same heap page without touching indexes (HOT). */
  hotUpdated: number;
  deleted: number;
  liveRows: number;
  /** Old row versions left behind by updates and deletes, waiting for VACUUM. */
  deadRows: number;
}

export async function tableCounters(db: pg.Pool | pg.Client, table: string): Promise<TableCounters> {
  const res = await db.query<Record<string, string | null>>(
    `SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS scans,
            n_tup_ins AS inserted, n_tup_upd AS updated, n_tup_hot_upd AS hot_updated,
            n_tup_del AS deleted, n_live_tup AS live_rows, n_dead_tup AS dead_rows
       FROM pg_stat_user_tables WHERE relname = $1`,
    [table],
  );
  const r = res.rows[0];
  if (!r) throw new Error(`no statistics for table ${table}`);
  return {
    scans: Number(r.scans),
    inserted: Number(r.inserted),
    updated: Number(r.updated),
    hotUpdated: Number(r.hot_updated),
    deleted: Number(r.deleted),
    liveRows: Number(r.live_rows),
    deadRows: Number(r.dead_rows),
  };
}

export function counterDelta(after: TableCounters, before: TableCounters): TableCounters {
  const d = {} as TableCounters;
  for (const k of Object.keys(after) as (keyof TableCounters)[]) d[k] = after[k] - before[k];
  return d;
}

/**
 * Wait until the counters' growth since `before` satisfies `arrived` (the work's backends have
 * published their stats), then return that growth. Assert on it afterwards, exactly.
 */
export async function awaitCounters(
  db: pg.Pool | pg.Client,
  table: string,
  before: TableCounters,
  arrived: (d: TableCounters) => boolean,
  timeoutMs = 5_000,
): Promise<TableCounters> {
  return waitFor(
    async () => {
      const d = counterDelta(await tableCounters(db, table), before);
      return arrived(d) ? d : undefined;
    },
    { timeoutMs, intervalMs: 25, what: `pg_stat_user_tables counters for ${table}` },
  );
}
