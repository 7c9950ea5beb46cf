// Fix (a): the "reliable queue" pattern on plain Redis Lists. A worker does not pop the task,
// it MOVES it (BLMOVE, atomically) from the queue into a processing list, and removes it from
// there only when the work is done (LREM = the ack). A reaper looks at the processing list and
// moves entries that have been in progress for longer than a visibility timeout back to the
// queue, so the task a dead worker held is done by somebody else.
//
// What it costs: you build the ack, the timeout and the redelivery yourself (the reaper is a
// Lua script here so its check-and-move is atomic). A worker that is merely slow past the
// timeout gets its task duplicated: this is at-least-once, not exactly-once, exactly like
// JetStream's AckWait in the next chapter. Each take gets a token of its own, and the ack checks
// it: a worker whose task was handed on learns that its ack is late, and cannot remove the entry
// of the worker that holds the task now (the same bytes, since a task is moved, not copied).
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { BackgroundLoop } from '@mq/shared';
import { delay } from '@mq/shared';
import { pushTasks } from './list-queue';
import { decodeTask, type NewTask, type Task } from './task';

export interface ReliableKeys {
  queue: string;
  processing: string;
  /** Hash: task id -> when (Redis server time, ms) its current claim started. */
  claimedAt: string;
  /** Hash: task id -> the token of its current claim (the fencing token of the ack). */
  owner: string;
}

export function reliableKeys(queue: string): ReliableKeys {
  return { queue, processing: `${queue}:processing`, claimedAt: `${queue}:claimed-at`, owner: `${queue}:owner` };
}

const SERVER_MS = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** Record the start of a claim in server time (one clock for workers and reaper), and its token. */
const STAMP = `${SERVER_MS} redis.call('HSET', KEYS[1], ARGV[1], now) redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) return now`;


/**
 * Move every processing entry whose claim is older than ARGV[1] ms back to the consuming end of
 * the queue. An entry with no stamp yet (its worker is between BLMOVE and the stamp) gets its
 * clock started now. Returns the ids moved back.
 */
const REAP = `${SERVER_MS}
local visibility = tonumber(ARGV[1])
local moved = {}
for _, raw in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local ok, task = pcall(cjson.decode, raw)
  local id = raw
  if ok and type(task) == 'table' and task.id then id = task.id end
  local claimed = redis.call('HGET', KEYS[3], id)
  if not claimed then
    redis.call('HSET', KEYS[3], id, now)
  elseif now - tonumber(claimed) >= visibility then
    redis.call('LREM', KEYS[1], 1, raw)
    redis.call('RPUSH', KEYS[2], raw)
    redis.call('HDEL', KEYS[3], id)
    redis.call('HDEL', KEYS[4], id)
    table.insert(moved, id)
  end
end
return moved`;

export interface Claimed {
  task: Task;
  raw: string;
  /** This take's token: the ack needs it. */
  token: string;
}

export async function pushReliable(redis: Redis, keys: ReliableKeys, tasks: NewTask[]): Promise<number> {
  return pushTasks(redis, keys.queue, tasks);
}

// #region look-reliable-take
/**
 * Take the oldest task by moving it into the processing list (BLMOVE RIGHT -> LEFT), then stamp
 * the claim. `conn` must be dedicated: BLMOVE blocks it.
 */
export async function claimTask(conn: Redis, keys: ReliableKeys, timeoutSec: number): Promise<Claimed | null> {
  const raw = await conn.blmove(keys.queue, keys.processing, 'RIGHT', 'LEFT', timeoutSec);
  if (raw === null) return null;
  const task = decodeTask(raw);
  const token = randomUUID();
  await conn.eval(STAMP, 2, keys.claimedAt, keys.owner, task.id, token);
  return { task, raw, token };
}

/**
 * The ack, fenced: remove the entry only if this take's token still owns the task. A reaped task
 * has no owner until it is taken again, then another; either way the late worker changes nothing.
 */
const ACK = `
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('LREM', KEYS[1], 1, ARGV[3])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1`;

/**
 * The ack: remove the entry from the processing list. Returns false, removing nothing, if this
 * take no longer owns the task (the reaper gave it back because this worker took too long).
 */
export async function completeTask(redis: Redis, keys: ReliableKeys, claimed: Claimed): Promise<boolean> {
  const removed = await redis.eval(ACK, 3, keys.processing, keys.owner, keys.claimedAt, claimed.task.id, claimed.token, claimed.raw);
  return Number(removed) === 1;
}
// #endregion look-reliable-take

/** One reaper pass: ids moved back to the queue. */
export async function reapStale(redis: Redis, keys: ReliableKeys, visibilityMs: number): Promise<string[]> {
  return (await redis.eval(REAP, 4, keys.processing, keys.queue, keys.claimedAt, keys.owner, visibilityMs)) as string[];
}

export async function processingIds(redis: Redis, keys: ReliableKeys): Promise<string[]> {
  return (await redis.lrange(keys.processing, 0, -1)).map((r) => decodeTask(r).id);
}

export type ReliableEvent =
  | { type: 'took'; worker: string; id: string }
  | { type: 'acked'; worker: string; id: string }
  | { type: 'late-ack'; worker: string; id: string }
  | { type: 'reaped'; ids: string[] }
  | { type: 'error'; worker: string; error: string };

export interface ReliableWorkerOptions {
  /** Dedicated connection (BLMOVE blocks it). Not closed by the worker. */
  conn: Redis;
  keys: ReliableKeys;
  name: string;
  handler: (task: Task) => Promise<void>;
  blockSec?: number;
  onEvent?: (e: ReliableEvent) => void;
}

/** BLMOVE -> handle -> LREM. A handler error leaves the task in processing for the reaper to retry. */
export class ReliableWorker extends BackgroundLoop {
  constructor(private readonly opts: ReliableWorkerOptions) {
    super();
  }

  protected async run(): Promise<void> {
    const { conn, keys, name, handler, onEvent } = this.opts;
    while (this.running) {
      try {
        const claimed = await claimTask(conn, keys, this.opts.blockSec ?? 0.2);
        if (!claimed) continue;
        onEvent?.({ type: 'took', worker: name, id: claimed.task.id });
        await handler(claimed.task);
        const held = await completeTask(conn, keys, claimed);
        onEvent?.({ type: held ? 'acked' : 'late-ack', worker: name, id: claimed.task.id });
      } catch (err) {
        if (!this.running) break;
        onEvent?.({ type: 'error', worker: name, error: (err as Error).message });
      }
    }
  }
}

/** Runs reapStale every `everyMs` until stopped. */
export class Reaper extends BackgroundLoop {
  readonly reaped: string[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly keys: ReliableKeys,
    private readonly visibilityMs: number,
    private readonly everyMs = Math.max(50, Math.floor(visibilityMs / 4)),
    private readonly onEvent?: (e: ReliableEvent) => void,
  ) {
    super();
  }

  protected async run(): Promise<void> {
    while (this.running) {
      const ids = await reapStale(this.redis, this.keys, this.visibilityMs).catch((err: Error) => {
        this.onEvent?.({ type: 'error', worker: 'reaper', error: err.message });
        return [] as string[];
      });
      if (ids.length > 0) {
        this.reaped.push(...ids);
        this.onEvent?.({ type: 'reaped', ids });
      }
      await delay(this.everyMs); // the reaper's schedule, not a synchronisation
    }
  }
}
