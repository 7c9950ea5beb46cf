// Fix (b): Redis Streams with a consumer group. The broker itself keeps what the list could not:
// a Pending Entries List (PEL) of every entry delivered to a consumer and not yet XACKed, with
// its owner, idle time and delivery count. A crashed consumer's entries stay pending, and any
// other consumer can take them over with XAUTOCLAIM once they have been idle long enough.
// That is the ack model JetStream gives us in the next chapter (AckWait, redelivery, deliveryCount).
import type { Redis } from 'ioredis';
import { BackgroundLoop } from '@mq/shared';
import { delay } from '@mq/shared';
import { decodeTask, encodeTask, type NewTask, type Task } from './task';

export interface StreamRef {
  stream: string;
  group: string;
}

export interface StreamEntry {
  entryId: string;
  task: Task;
}

export interface PendingEntry {
  entryId: string;
  consumer: string;
  idleMs: number;
  deliveries: number;
}

/** Create the group (and the stream) reading from the beginning; fine if it already exists. */
export async function createGroupIfMissing(redis: Redis, ref: StreamRef): Promise<void> {
  try {
    await redis.xgroup('CREATE', ref.stream, ref.group, '0', 'MKSTREAM');
  } catch (err) {
    if (!String((err as Error).message).startsWith('BUSYGROUP')) throw err;
  }
}

/** XADD each task as one entry with a single field "task"; returns the entry ids. */
export async function addTasks(redis: Redis, ref: StreamRef, tasks: NewTask[]): Promise<string[]> {
  const p = redis.pipeline();
  for (const t of tasks) p.xadd(ref.stream, '*', 'task', encodeTask(t));
  const replies = (await p.exec()) ?? [];
  return replies.map(([err, id]) => {
    if (err) throw err;
    return String(id);
  });
}

type RawEntry = [string, string[]];

function toEntries(raw: RawEntry[]): StreamEntry[] {
  return raw.map(([entryId, fields]) => {
    const i = fields.indexOf('task');
    return { entryId, task: decodeTask(fields[i + 1]) };
  });
}

/**
 * XREADGROUP ... STREAMS s >: new entries for this consumer, blocking up to blockMs.
 * Each one is now pending for `consumer` until XACKed. `conn` must be dedicated while it blocks.
 */
export async function readNew(conn: Redis, ref: StreamRef, consumer: string, blockMs: number, count = 1): Promise<StreamEntry[]> {
  const reply = await conn.call('XREADGROUP', 'GROUP', ref.group, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', ref.stream, '>');
  return toEntries(entriesOfOneStream(reply));
}

/**
 * The entries of a one-stream XREAD(GROUP) reply. RESP2 sends [[key, entries]]; RESP3 (ioredis 6's
 * default protocol) sends a map, which arrives as [key, entries] (or a Map). Handle all three.
 */
function entriesOfOneStream(reply: unknown): RawEntry[] {
  if (!reply) return [];
  if (reply instanceof Map) return ([...reply.values()][0] as RawEntry[] | undefined) ?? [];
  if (Array.isArray(reply) && Array.isArray(reply[0])) return (reply[0] as [string, RawEntry[]])[1];
  if (Array.isArray(reply) && typeof reply[0] === 'string') return reply[1] as RawEntry[];
  throw new Error(`unexpected XREADGROUP reply: ${JSON.stringify(reply).slice(0, 100)}`);
}

export async function ack(redis: Redis, ref: StreamRef, entryId: string): Promise<number> {
  return redis.xack(ref.stream, ref.group, entryId);
}

/** XPENDING with details: who holds what, for how long, delivered how often. */
export async function pending(redis: Redis, ref: StreamRef, minIdleMs = 0, count = 100): Promise<PendingEntry[]> {
  const rows = (await redis.xpending(ref.stream, ref.group, 'IDLE', minIdleMs, '-', '+', count)) as [string, string, number, number][];
  return rows.map(([entryId, consumer, idleMs, deliveries]) => ({
    entryId,
    consumer,
    idleMs: Number(idleMs),
    deliveries: Number(deliveries),
  }));
}

export interface Recovered extends StreamEntry {
  /** Who held it before (from XPENDING just before the claim). */
  from: string;
  /** Delivery count after this claim, as Redis reports it (XAUTOCLAIM increments it). */
  deliveries: number;
  /** How long it had been idle, from XPENDING just before the claim. */
  idleMs: number;
}

/** XPENDING for one entry: its owner, idle time and delivery count, or undefined if not pending. */
export async function pendingEntry(redis: Redis, ref: StreamRef, entryId: string): Promise<PendingEntry | undefined> {
  const rows = (await redis.xpending(ref.stream, ref.group, entryId, entryId, 1)) as [string, string, number, number][];
  const r = rows[0];
  return r && { entryId: r[0], consumer: r[1], idleMs: Number(r[2]), deliveries: Number(r[3]) };
}

/**
 * Take over entries pending longer than minIdleMs (XAUTOCLAIM from 0-0, following the cursor).
 * XPENDING before, to report whose entries they were, and after, for Redis's own delivery count.
 */
export async function recoverStale(redis: Redis, ref: StreamRef, consumer: string, minIdleMs: number, count = 10): Promise<Recovered[]> {
  const before = new Map((await pending(redis, ref, minIdleMs, count)).map((p) => [p.entryId, p]));
  if (before.size === 0) return [];
  const claimed: StreamEntry[] = [];
  let cursor = '0-0';
  do {
    const reply = (await redis.xautoclaim(ref.stream, ref.group, consumer, minIdleMs, cursor, 'COUNT', count)) as [string, RawEntry[], string[]?];
    cursor = reply[0];
    claimed.push(...toEntries(reply[1].filter((x) => x !== null)));
  } while (cursor !== '0-0' && claimed.length < count);
  const after = await Promise.all(claimed.map((e) => pendingEntry(redis, ref, e.entryId)));
  return claimed.map((e, i) => {
    const p = before.get(e.entryId);
    return { ...e, from: p?.consumer ?? '?', idleMs: p?.idleMs ?? minIdleMs, deliveries: after[i]?.deliveries ?? NaN };
  });
}

export interface ConsumerInfo {
  name: string;
  pending: number;
  idleMs: number;
}

/** XINFO CONSUMERS: who is in the group, how many entries each holds, how long since it was seen. */
export async function consumers(redis: Redis, ref: StreamRef): Promise<ConsumerInfo[]> {
  const rows = (await redis.xinfo('CONSUMERS', ref.stream, ref.group)) as unknown[];
  return rows.map((row) => {
    const kv = row instanceof Map ? Object.fromEntries(row) : Object.fromEntries(pairs(row as unknown[]));
    return { name: String(kv.name), pending: Number(kv.pending), idleMs: Number(kv.idle) };
  });
}

function pairs(flat: unknown[]): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([String(flat[i]), flat[i + 1]]);
  return out;
}

/**
 * Remove consumers that hold nothing any more and have not been seen for minIdleMs: the ones
 * whose entries were just taken over. A consumer that is alive after all is recreated by its
 * next XREADGROUP, so this never loses anything; without it, dead consumers stay for ever.
 */
export async function removeDeadConsumers(redis: Redis, ref: StreamRef, candidates: string[], minIdleMs: number): Promise<string[]> {
  const removed: string[] = [];
  for (const c of await consumers(redis, ref)) {
    if (!candidates.includes(c.name) || c.pending > 0 || c.idleMs < minIdleMs) continue;
    await redis.xgroup('DELCONSUMER', ref.stream, ref.group, c.name);
    removed.push(c.name);
  }
  return removed;
}

export type StreamEvent =
  | { type: 'took'; worker: string; id: string; entryId: string }
  | { type: 'recovered'; worker: string; id: string; entryId: string; from: string; deliveries: number; idleMs: number }
  | { type: 'acked'; worker: string; id: string; entryId: string }
  | { type: 'removed-consumer'; worker: string; consumer: string }
  | { type: 'error'; worker: string; error: string };

export interface StreamWorkerOptions {
  conn: Redis;
  ref: StreamRef;
  name: string;
  handler: (task: Task) => Promise<void>;
  /** Entries pending longer than this are taken over (the stream's "visibility timeout"). */
  minIdleMs: number;
  blockMs?: number;
  onEvent?: (e: StreamEvent) => void;
}

/**
 * Each round: first take over stale pending entries (a crashed consumer's), then read new ones;
 * handle, then XACK. A handler error leaves the entry pending, so it is retried after minIdleMs.
 */
export class StreamWorker extends BackgroundLoop {
  constructor(private readonly opts: StreamWorkerOptions) {
    super();
  }

  protected async run(): Promise<void> {
    const { conn, ref, name, handler, onEvent, minIdleMs } = this.opts;
    while (this.running) {
      try {
        const recovered = await recoverStale(conn, ref, name, minIdleMs);
        for (const r of recovered) onEvent?.({ type: 'recovered', worker: name, id: r.task.id, entryId: r.entryId, from: r.from, deliveries: r.deliveries, idleMs: r.idleMs });
        const previousOwners = [...new Set(recovered.map((r) => r.from))].filter((c) => c !== name);
        if (previousOwners.length > 0) {
          for (const consumer of await removeDeadConsumers(conn, ref, previousOwners, minIdleMs)) {
            onEvent?.({ type: 'removed-consumer', worker: name, consumer });
          }
        }
        const fresh = recovered.length > 0 ? [] : await readNew(conn, ref, name, this.opts.blockMs ?? 200);
        for (const e of fresh) onEvent?.({ type: 'took', worker: name, id: e.task.id, entryId: e.entryId });
        for (const e of [...recovered, ...fresh]) {
          await handler(e.task);
          await ack(conn, ref, e.entryId);
          onEvent?.({ type: 'acked', worker: name, id: e.task.id, entryId: e.entryId });
        }
      } catch (err) {
        if (!this.running) break;
        onEvent?.({ type: 'error', worker: name, error: (err as Error).message });
        await delay(100); // back off before the next round
      }
    }
  }
}
