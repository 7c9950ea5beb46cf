// The worker the chapter should have written: a Postgres queue done right, in four statements.
//   claim    one UPDATE over a FOR UPDATE SKIP LOCKED subselect: select-and-mark is atomic, and
//            concurrent workers skip each other's rows instead of waiting for them;
//   lease    the claim sets locked_until; if the worker dies the row is not lost: once the lease
//            runs out, any worker's reaper returns it to 'pending' for someone else, in its old
//            place in the queue (run_at is kept), so a backlog does not push it to the back;
//   heartbeat while the handler runs, the worker extends its lease (fenced by lease_id), so a
//            handler slower than the lease is not taken for dead and run twice;
//   finish   complete / fail only if this claim's lease_id still holds the row (a fencing token),
//            so a worker whose lease was taken over cannot overwrite the new owner's state;
//   retry    a failure bumps retry_count and reschedules with exponential backoff (run_at);
//            past the limit the row ends 'failed', kept for inspection (a dead-letter state).
// It waits with LISTEN/NOTIFY: a commit that inserts tasks wakes it within milliseconds, and a
// slow fallback poll covers notifications lost while its listening connection was down.
import pg from 'pg';
import { BackgroundLoop, timings } from '@mq/shared';
import type { TaskHandler } from './handler';
import { NOTIFY_CHANNEL, type TaskRow } from './setup';
import { Sleeper } from './sleeper';

export interface QueueWorkerOptions {
  url: string;
  name: string;
  handler: TaskHandler;
  /**
   * The lock the claim's subselect takes (default 'skip-locked'). The others exist to watch them
   * fail: 'for-update' makes concurrent claims wait for each other, 'none' lets two workers claim
   * the same row.
   */
  claimLock?: ClaimLock;
  /** Rows per claim (default 1). */
  batchSize?: number;
  /** Visibility timeout of a claim (default timings().get('ackWaitMs'): 1 s scaled, 30 s story). */
  leaseMs?: number;
  /** Retries after the first attempt; then the row is 'failed' (default 3). */
  retryLimit?: number;
  /** Delay before retry n (1-based); default 100 ms * 2^(n-1). */
  backoffMs?: (retry: number) => number;
  /** LISTEN for inserts (default true). */
  listen?: boolean;
  /** Poll interval without LISTEN, fallback poll with it (default timings().get('pollIntervalMs')). */
  pollIntervalMs?: number;
  /**
   * How often a running handler's lease is extended (default leaseMs / 3). 0 turns the heartbeat
   * off: the chapter's "before", where a handler slower than the lease is run again by another worker.
   */
  heartbeatMs?: number;
  /** How one heartbeat extends the lease (default: HEARTBEAT_SQL); the 01-heartbeat exercise plugs in here. */
  extendLease?: ExtendLease;
  /** How often the loop returns expired leases (default: min(leaseMs / 2, pollIntervalMs)). */
  reapIntervalMs?: number;
  onEvent?: (e: QueueEvent) => void;
  /** Called with the rows each claim returned and the moment (performance.now()) the claim was sent. */
  onClaim?: (rows: ClaimedTask[], sentAt: number) => void;
}

export type QueueEvent =
  | { type: 'claimed' | 'completed'; worker: string; taskId: string; atMs: number }
  | { type: 'retry' | 'failed'; worker: string; taskId: string; retryCount: number; error: string; atMs: number }
  | { type: 'lease-lost'; worker: string; taskId: string; atMs: number }
  | { type: 'heartbeat-refused'; worker: string; taskId: string; atMs: number }
  | { type: 'reclaimed'; worker: string; taskIds: string[]; atMs: number };

export interface QueueStats {
  /** Claim statements run, and how many found nothing. */
  claims: number;
  emptyClaims: number;
  /** Reaper statements run, and rows whose expired lease they returned. */
  reaps: number;
  reclaimed: number;
  completed: number;
  retried: number;
  failed: number;
  /** Completions refused because the lease had passed to someone else. */
  leaseLost: number;
  /** Lease extensions made while a handler ran, and those refused (the lease was already gone). */
  heartbeats: number;
  heartbeatsRefused: number;
  notifications: number;
  wakeups: { notify: number; timer: number };
}

/** Extend a claim's lease to now + leaseMs if that claim (its lease_id) still holds the row. */
export type ExtendLease = (client: pg.ClientBase, task: { id: string; lease_id: string }, leaseMs: number) => Promise<boolean>;

/** A claimed task: the row plus the fencing token that proves this worker still holds it. */
export type ClaimedTask = TaskRow & { lease_id: string };

// #region look-claim
// One statement: find the oldest runnable row nobody holds, and take it with a lease. The
// subselect locks the rows it returns; SKIP LOCKED passes over rows another worker's claim has
// locked, instead of waiting for that transaction to end.
export const CLAIM_SQL = `
UPDATE task_queue AS t
   SET status = 'processing', locked_by = $1, lease_id = gen_random_uuid(),
       locked_until = now() + $2 * interval '1 millisecond', updated_at = now()
  FROM (SELECT id FROM task_queue
         WHERE status = 'pending' AND run_at <= now()
         ORDER BY run_at, id
         LIMIT $3
         FOR UPDATE SKIP LOCKED) AS next
 WHERE t.id = next.id
RETURNING t.*`;
// #endregion look-claim

export type ClaimLock = 'skip-locked' | 'for-update' | 'none';
export const CLAIM_LOCKS: readonly ClaimLock[] = ['skip-locked', 'for-update', 'none'];

/** The claim with its lock clause swapped, for the experiments (see QueueWorkerOptions.claimLock). */
export function claimSql(lock: ClaimLock): string {
  return CLAIM_SQL.replace('FOR UPDATE SKIP LOCKED', lock === 'skip-locked' ? 'FOR UPDATE SKIP LOCKED' : lock === 'for-update' ? 'FOR UPDATE' : '');
}

// #region look-lease
// The lease_id is the fencing token: finishing or extending a claim needs the token of the
// current claim, so a worker whose lease ran out (and was handed on) changes nothing.
const COMPLETE_SQL = `
UPDATE task_queue SET status = 'completed', lease_id = NULL, locked_until = NULL, updated_at = now()
 WHERE id = $1 AND lease_id = $2 AND status = 'processing'`;

const HEARTBEAT_SQL = `
UPDATE task_queue SET locked_until = now() + $3 * interval '1 millisecond'
 WHERE id = $1 AND lease_id = $2 AND status = 'processing'`;

// An expired lease counts as a failed attempt, so a task that kills every worker still ends
// 'failed'. run_at is left as it was: the task keeps its place at the head of the queue.
const REAP_SQL = `
UPDATE task_queue
   SET status      = CASE WHEN retry_count >= $1 THEN 'failed' ELSE 'pending' END,
       retry_count = CASE WHEN retry_count >= $1 THEN retry_count ELSE retry_count + 1 END,
       last_error = 'lease expired (worker ' || coalesce(locked_by, '?') || ' presumed dead)',
       lease_id = NULL, locked_until = NULL, updated_at = now()
 WHERE status = 'processing' AND locked_until < now()
RETURNING id`;
// #endregion look-lease

/** The default heartbeat: HEARTBEAT_SQL, fenced by the claim's lease_id. */
export async function extendLease(client: pg.ClientBase, task: { id: string; lease_id: string }, leaseMs: number): Promise<boolean> {
  const res = await client.query(HEARTBEAT_SQL, [task.id, task.lease_id, leaseMs]);
  return res.rowCount === 1;
}

// In SET, every retry_count on the right-hand side is the old value.
const FAIL_SQL = `
UPDATE task_queue
   SET status      = CASE WHEN retry_count >= $3 THEN 'failed' ELSE 'pending' END,
       retry_count = CASE WHEN retry_count >= $3 THEN retry_count ELSE retry_count + 1 END,
       run_at = now() + $4 * interval '1 millisecond', last_error = $5,
       lease_id = NULL, locked_until = NULL, updated_at = now()
 WHERE id = $1 AND lease_id = $2 AND status = 'processing'
RETURNING status, retry_count`;

export class QueueWorker extends BackgroundLoop {
  readonly name: string;
  readonly leaseMs: number;
  readonly retryLimit: number;
  readonly pollIntervalMs: number;
  readonly stats: QueueStats = {
    claims: 0,
    emptyClaims: 0,
    reaps: 0,
    reclaimed: 0,
    completed: 0,
    retried: 0,
    failed: 0,
    leaseLost: 0,
    heartbeats: 0,
    heartbeatsRefused: 0,
    notifications: 0,
    wakeups: { notify: 0, timer: 0 },
  };
  /** The last database error the loop survived. */
  lastError?: Error;
  private readonly client: pg.Client;
  private listener?: pg.Client;
  private readonly sleeper = new Sleeper();
  private readonly reapIntervalMs: number;
  private readonly heartbeatMs: number;
  private readonly claimQuery: string;
  private readonly backoffMs: (retry: number) => number;
  private connected?: Promise<void>;
  private lastReap = -Infinity;

  constructor(private readonly opts: QueueWorkerOptions) {
    super();
    this.name = opts.name;
    this.leaseMs = opts.leaseMs ?? timings().get('ackWaitMs');
    this.retryLimit = opts.retryLimit ?? 3;
    this.pollIntervalMs = opts.pollIntervalMs ?? timings().get('pollIntervalMs');
    this.claimQuery = claimSql(opts.claimLock ?? 'skip-locked');
    this.heartbeatMs = opts.heartbeatMs ?? this.leaseMs / 3;
    this.reapIntervalMs = opts.reapIntervalMs ?? Math.min(this.leaseMs / 2, this.pollIntervalMs);
    this.backoffMs = opts.backoffMs ?? ((n) => 100 * 2 ** (n - 1));
    this.client = new pg.Client({ connectionString: opts.url, application_name: `worker:${this.name}` });
    this.client.on('error', () => {});
  }

  /** Open the worker's connection, plus a second one for LISTEN (one per worker: a real cost). */
  connect(): Promise<void> {
    this.connected ??= (async () => {
      await this.client.connect();
      if (this.opts.listen ?? true) {
        const l = new pg.Client({ connectionString: this.opts.url, application_name: `listen:${this.name}` });
        l.on('error', () => {});
        l.on('notification', () => {
          this.stats.notifications += 1;
          this.sleeper.wake();
        });
        await l.connect();
        await l.query(`LISTEN ${NOTIFY_CHANNEL}`);
        this.listener = l;
      }
    })();
    return this.connected;
  }

  /** Atomically take up to batchSize runnable rows; rows other workers hold are skipped. */
  async claim(): Promise<ClaimedTask[]> {
    await this.connect();
    const sentAt = performance.now();
    const res = await this.client.query<ClaimedTask>(this.claimQuery, [this.name, this.leaseMs, this.opts.batchSize ?? 1]);
    this.stats.claims += 1;
    if (res.rowCount === 0) this.stats.emptyClaims += 1;
    this.opts.onClaim?.(res.rows, sentAt);
    for (const t of res.rows) this.emit({ type: 'claimed', worker: this.name, taskId: t.id, atMs: performance.now() });
    return res.rows.sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** Mark done; false if the lease was lost (expired and taken over) before we got here. */
  async complete(task: ClaimedTask): Promise<boolean> {
    await this.connect();
    const res = await this.client.query(COMPLETE_SQL, [task.id, task.lease_id]);
    if (res.rowCount === 1) {
      this.stats.completed += 1;
      this.emit({ type: 'completed', worker: this.name, taskId: task.id, atMs: performance.now() });
      return true;
    }
    this.stats.leaseLost += 1;
    this.emit({ type: 'lease-lost', worker: this.name, taskId: task.id, atMs: performance.now() });
    return false;
  }

  /** Record a failed attempt: back to 'pending' after a backoff, or 'failed' past the limit. */
  async fail(task: ClaimedTask, err: unknown): Promise<'pending' | 'failed' | 'lease-lost'> {
    const message = err instanceof Error ? err.message : String(err);
    const delay = this.backoffMs(task.retry_count + 1);
    await this.connect();
    const res = await this.client.query<{ status: 'pending' | 'failed'; retry_count: number }>(FAIL_SQL, [
      task.id,
      task.lease_id,
      this.retryLimit,
      delay,
      message,
    ]);
    const row = res.rows[0];
    if (!row) {
      this.stats.leaseLost += 1;
      this.emit({ type: 'lease-lost', worker: this.name, taskId: task.id, atMs: performance.now() });
      return 'lease-lost';
    }
    if (row.status === 'failed') this.stats.failed += 1;
    else this.stats.retried += 1;
    this.emit({ type: row.status === 'failed' ? 'failed' : 'retry', worker: this.name, taskId: task.id, retryCount: row.retry_count, error: message, atMs: performance.now() });
    return row.status;
  }

  /** Return rows whose lease has expired to 'pending' (or 'failed' past the retry limit). */
  async reap(): Promise<string[]> {
    await this.connect();
    const res = await this.client.query<{ id: string }>(REAP_SQL, [this.retryLimit]);
    this.stats.reaps += 1;
    this.lastReap = performance.now();
    const ids = res.rows.map((r) => r.id);
    this.stats.reclaimed += ids.length;
    if (ids.length) this.emit({ type: 'reclaimed', worker: this.name, taskIds: ids, atMs: performance.now() });
    return ids;
  }

  /** Run the handler for one claimed task, its lease kept alive meanwhile, and record the outcome. */
  async process(task: ClaimedTask): Promise<void> {
    const stopHeartbeat = this.heartbeat(task);
    let failure: { err: unknown } | undefined;
    try {
      await this.opts.handler(task);
    } catch (err) {
      failure = { err };
    } finally {
      await stopHeartbeat();
    }
    if (failure) await this.fail(task, failure.err);
    else await this.complete(task);
  }

  /** Extend the lease every heartbeatMs until the returned function is called. */
  private heartbeat(task: ClaimedTask): () => Promise<void> {
    if (this.heartbeatMs <= 0) return async () => {};
    let inFlight: Promise<unknown> = Promise.resolve();
    const extend = this.opts.extendLease ?? extendLease;
    const timer = setInterval(() => {
      inFlight = extend(this.client, task, this.leaseMs)
        .then((extended) => {
          if (extended) {
            this.stats.heartbeats += 1;
            return;
          }
          this.stats.heartbeatsRefused += 1;
          this.emit({ type: 'heartbeat-refused', worker: this.name, taskId: task.id, atMs: performance.now() });
        })
        .catch(() => {}); // a dropped connection: the lease simply runs out, as if we had died
    }, this.heartbeatMs);
    return async () => {
      clearInterval(timer);
      await inFlight;
    };
  }

  /** Statements that scan the queue table (claims and reaps): the idle cost of a worker. */
  get scans(): number {
    return this.stats.claims + this.stats.reaps;
  }

  protected async run(): Promise<void> {
    while (this.running) {
      let found = 0;
      try {
        if (performance.now() - this.lastReap >= this.reapIntervalMs) await this.reap();
        const tasks = await this.claim();
        found = tasks.length;
        for (const task of tasks) await this.process(task);
      } catch (err) {
        if (!this.running) break;
        this.lastError = err as Error;
      }
      if (!this.running) break;
      if (found > 0) continue; // there may be more: claim again at once
      const reason = await this.sleeper.sleep(this.pollIntervalMs);
      if (reason === 'wake') this.stats.wakeups.notify += 1;
      else if (reason === 'timer') this.stats.wakeups.timer += 1;
    }
  }

  /** Finish the task in hand, stop, close both connections. */
  override async stop(): Promise<void> {
    const stopped = super.stop();
    this.sleeper.wake('stop');
    await stopped;
    await this.close();
  }

  /** The process dies: connections drop, claimed rows stay 'processing' until their lease expires. */
  async crash(): Promise<void> {
    this.running = false;
    this.sleeper.wake('stop');
    await this.close(); // the loop, if it was mid-task, fails its next query and exits
  }

  private async close(): Promise<void> {
    if (!this.connected) return;
    await Promise.allSettled([this.client.end(), this.listener?.end()]);
  }

  private emit(e: QueueEvent): void {
    this.opts.onEvent?.(e);
  }
}
