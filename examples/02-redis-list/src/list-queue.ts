// The story's second attempt: a Redis List as the queue. The producer LPUSHes, workers BRPOP
// (block until something arrives, so pickup is immediate and idle workers burn no CPU).
// BRPOP *removes* the task: from that moment it exists only in the worker's memory. That is
// the whole weakness this lesson demonstrates; there is no "in progress" and no ack.
import type { Redis } from 'ioredis';
import { BackgroundLoop } from '@mq/shared';
import { delay } from '@mq/shared';
import { decodeTask, encodeTask, nowMs, type NewTask, type Task } from './task';

/**
 * LPUSH tasks (pipelined in chunks) and return the list length afterwards.
 * Unlike the seed's Go, a failed push is an error the caller sees, not a silently dropped task.
 */
export async function pushTasks(redis: Redis, key: string, tasks: NewTask[], chunk = 500): Promise<number> {
  if (tasks.length === 0) return redis.llen(key);
  let length = 0;
  for (let i = 0; i < tasks.length; i += chunk) {
    const p = redis.pipeline();
    for (const t of tasks.slice(i, i + chunk)) p.lpush(key, encodeTask(t));
    const replies = (await p.exec()) ?? [];
    for (const [err, n] of replies) {
      if (err) throw err;
      length = Number(n);
    }
  }
  return length;
}

// #region look-brpop
export interface Popped {
  task: Task;
  raw: string;
}

/**
 * BRPOP one task, waiting up to `timeoutSec` (decimals allowed; 0 = forever). `conn` must be a
 * connection of its own: while BRPOP blocks, nothing else can use it.
 */
export async function popTask(conn: Redis, key: string, timeoutSec: number): Promise<Popped | null> {
  const reply = await conn.brpop(key, timeoutSec);
  if (!reply) return null;
  return { raw: reply[1], task: decodeTask(reply[1]) };
}
// #endregion look-brpop

/** Every id currently waiting in the list (oldest last, as LPUSH/BRPOP order them). */
export async function queuedIds(redis: Redis, key: string): Promise<string[]> {
  const raws = await redis.lrange(key, 0, -1);
  return raws.map((r) => decodeTask(r).id);
}

export type ListWorkerEvent =
  | { type: 'took'; worker: string; id: string; pickupMs: number }
  | { type: 'done'; worker: string; id: string }
  | { type: 'requeued'; worker: string; id: string; error: string }
  | { type: 'error'; worker: string; error: string };

export interface ListWorkerOptions {
  /** A dedicated connection (BRPOP blocks it). The worker does not close it. */
  conn: Redis;
  key: string;
  name: string;
  handler: (task: Task) => Promise<void>;
  /** How long one BRPOP waits before the loop checks whether it should stop (s). */
  blockSec?: number;
  onEvent?: (e: ListWorkerEvent) => void;
}

/**
 * A BRPOP worker loop. A handler error is the one failure a list queue can do something about:
 * the worker is still alive, so it pushes the task back. If the process dies instead, the task
 * is gone, and no code in here can change that.
 */
export class ListWorker extends BackgroundLoop {
  readonly taken: string[] = [];

  /** stop() finishes the task in hand, waiting at most one BRPOP timeout. */
  constructor(private readonly opts: ListWorkerOptions) {
    super();
  }

  protected async run(): Promise<void> {
    const { conn, key, name, handler, onEvent } = this.opts;
    const blockSec = this.opts.blockSec ?? 0.2;
    while (this.running) {
      let got: Popped | null;
      try {
        got = await popTask(conn, key, blockSec);
      } catch (err) {
        if (!this.running) break;
        onEvent?.({ type: 'error', worker: name, error: (err as Error).message });
        await delay(100); // back off before retrying a broken connection
        continue;
      }
      if (!got) continue;
      const { task } = got;
      this.taken.push(task.id);
      onEvent?.({ type: 'took', worker: name, id: task.id, pickupMs: nowMs() - task.enqueuedAtMs });
      try {
        await handler(task);
        onEvent?.({ type: 'done', worker: name, id: task.id });
      } catch (err) {
        await conn.lpush(key, got.raw);
        onEvent?.({ type: 'requeued', worker: name, id: task.id, error: (err as Error).message });
      }
    }
  }
}
