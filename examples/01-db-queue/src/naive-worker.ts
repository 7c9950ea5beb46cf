// The seed's worker, faithfully: every interval, SELECT up to 10 pending rows; for each, UPDATE it
// to 'processing', call the service, UPDATE it to 'completed'; then sleep. Its steps are public so
// a test can interleave two workers exactly (both SELECT before either UPDATEs) instead of hoping
// for a race. Its mistakes are kept on purpose, because the lesson is to watch them happen:
//   - the SELECT and the UPDATE are separate statements, so two workers can claim the same row;
//   - the UPDATE does not check the status it expects, so the second claim "succeeds" too;
//   - it sleeps after every round, even a full one (at most 10 tasks per worker per interval);
//   - the service's error is ignored (the Go code drops it) and the task is marked completed;
//   - a worker that dies after its 'processing' UPDATE leaves that row there forever.
import pg from 'pg';
import { BackgroundLoop, timings } from '@mq/shared';
import type { TaskHandler } from './handler';
import type { TaskRow } from './setup';
import { Sleeper } from './sleeper';

export interface NaiveWorkerOptions {
  url: string;
  name?: string;
  handler: TaskHandler;
  /** The story's 1 s by default (timings().get('pollIntervalMs')). */
  pollIntervalMs?: number;
  batchSize?: number;
  /** Called with the rows each poll returned and the moment (performance.now()) the poll was sent. */
  onPoll?: (rows: TaskRow[], sentAt: number) => void;
}

export interface NaiveStats {
  polls: number;
  emptyPolls: number;
  processed: number;
  /** Handler errors the seed's code ignores before marking the task completed anyway. */
  errorsIgnored: number;
  /** performance.now() when the first and the latest poll were sent. */
  firstPollAt?: number;
  lastPollAt?: number;
  /** The longest time between two consecutive polls: about the worst wait a task can see. */
  longestGapMs: number;
}

export class NaiveWorker extends BackgroundLoop {
  readonly name: string;
  readonly pollIntervalMs: number;
  readonly stats: NaiveStats = { polls: 0, emptyPolls: 0, processed: 0, errorsIgnored: 0, longestGapMs: 0 };
  private readonly client: pg.Client;
  private readonly sleeper = new Sleeper();
  private connected?: Promise<void>;
  /** The last database error the loop survived (the seed's loop would have died). */
  lastError?: Error;

  constructor(private readonly opts: NaiveWorkerOptions) {
    super();
    this.name = opts.name ?? 'naive';
    this.pollIntervalMs = opts.pollIntervalMs ?? timings().get('pollIntervalMs');
    this.client = new pg.Client({ connectionString: opts.url, application_name: `naive:${this.name}` });
    this.client.on('error', () => {}); // a crashed worker's connection may error later; nobody is listening
  }

  connect(): Promise<void> {
    this.connected ??= this.client.connect().then(() => undefined);
    return this.connected;
  }

  /** Step 1: the seed's polling query (no ORDER BY, no lock). */
  async fetchPending(): Promise<TaskRow[]> {
    await this.connect();
    const sentAt = performance.now();
    const res = await this.client.query<TaskRow>(`SELECT * FROM task_queue WHERE status = 'pending' LIMIT ${this.opts.batchSize ?? 10}`);
    if (this.stats.lastPollAt !== undefined) this.stats.longestGapMs = Math.max(this.stats.longestGapMs, sentAt - this.stats.lastPollAt);
    this.stats.polls += 1;
    this.stats.lastPollAt = sentAt;
    this.stats.firstPollAt ??= sentAt;
    if (res.rowCount === 0) this.stats.emptyPolls += 1;
    this.opts.onPoll?.(res.rows, sentAt);
    return res.rows;
  }

  /** Step 2: "claim" the row. Returns rows updated: 1 even if another worker claimed it first. */
  async markProcessing(id: string): Promise<number> {
    const res = await this.client.query(`UPDATE task_queue SET status = 'processing', updated_at = now() WHERE id = $1`, [id]);
    return res.rowCount ?? 0;
  }

  /** Step 3: call the service. Like the seed, an error is dropped on the floor. */
  async handle(task: TaskRow): Promise<void> {
    try {
      await this.opts.handler(task);
    } catch {
      this.stats.errorsIgnored += 1;
    }
  }

  /** Step 4: mark it done, whatever happened in step 3. */
  async markCompleted(id: string): Promise<number> {
    const res = await this.client.query(`UPDATE task_queue SET status = 'completed', updated_at = now() WHERE id = $1`, [id]);
    this.stats.processed += 1;
    return res.rowCount ?? 0;
  }

  /** One round of the seed's loop body: poll, then steps 2-4 for each row found. */
  async pollOnce(): Promise<number> {
    const tasks = await this.fetchPending();
    for (const task of tasks) {
      await this.markProcessing(task.id);
      await this.handle(task);
      await this.markCompleted(task.id);
    }
    return tasks.length;
  }

  /** The loop (start() runs it): a round, then sleep the interval (after every round, as the seed does). */
  protected async run(): Promise<void> {
    while (this.running) {
      try {
        await this.pollOnce();
      } catch (err) {
        if (!this.running) break; // crashed or stopped mid-query
        this.lastError = err as Error;
      }
      if (!this.running) break;
      await this.sleeper.sleep(this.pollIntervalMs);
    }
  }

  /** Finish the current round, stop, and close the connection. */
  override async stop(): Promise<void> {
    const stopped = super.stop();
    this.sleeper.wake('stop');
    await stopped;
    if (this.connected) await this.client.end().catch(() => {});
  }

  /** The process dies: the connection goes away mid-work, nothing else runs. */
  async crash(): Promise<void> {
    this.running = false;
    this.sleeper.wake('stop');
    if (this.connected) await this.client.end().catch(() => {});
  }
}
