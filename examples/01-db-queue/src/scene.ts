// What every scene of the demo gets: the output, the lesson's database, the timings chosen by
// flags, and a place to leave its numbers for the closing table.
import type { Output } from '@mq/shared';
import type pg from 'pg';
import type { ClaimLock } from './worker';

export interface Scene {
  out: Output;
  /** The lesson's own database (l01_demo_...), dropped at the end and on Ctrl-C. */
  url: string;
  pool: pg.Pool;
  pollMs: number;
  idleWorkers: number;
  orders: number;
  leaseMs: number;
  claimLock: ClaimLock;
  /** Delay before retry n: exponential from 100 ms, or the story's fixed 30 s with --real-timings. */
  backoffMs(retry: number): number;
  /** Figures for the closing table, filled in as the scenes run. */
  results: Record<string, string>;
}
