// The task message every queue in this lesson carries, and the "done" ledger workers write to.
// One shape for the list, the reliable list and the stream, so the three can be compared
// task for task: which were lost, which were processed, and by whom, how many times.
import type { Redis } from 'ioredis';
import { emailTask, makeOrder, parseTask, type EmailTask } from '@mq/shared';

export interface Task {
  /** Unique per task: "email:ORD-0001". */
  id: string;
  type: 'send_email';
  orderId: string;
  body: EmailTask;
  /** When the producer pushed it, as epoch milliseconds with sub-ms precision (see nowMs). */
  enqueuedAtMs: number;
}

/** High-resolution wall clock, comparable across processes on one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** A task before the producer pushes it (the push stamps enqueuedAtMs). */
export type NewTask = Omit<Task, 'enqueuedAtMs'>;

/** The story's email task for order number `n` (orders 1..N give tasks email:ORD-0001..). */
export function emailTaskFor(n: number): NewTask {
  const order = makeOrder(n);
  return { id: `email:${order.id}`, type: 'send_email', orderId: order.id, body: emailTask(order) };
}

/** Tasks for orders first..first+count-1. */
export function makeTasks(count: number, first = 1): NewTask[] {
  return Array.from({ length: count }, (_, i) => emailTaskFor(first + i));
}

/** The wire form; stamps the moment of the push, which is what pickup latency is measured from. */
export function encodeTask(t: NewTask): string {
  return JSON.stringify({ id: t.id, type: t.type, orderId: t.orderId, body: t.body, enqueuedAtMs: nowMs() });
}

/** Parse a queued task; a malformed one throws MalformedPayloadError. */
export function decodeTask(raw: string): Task {
  return parseTask<Task>(raw, ['id', 'type', 'orderId', 'body', 'enqueuedAtMs']);
}

/**
 * Where workers record finished tasks: a hash id -> times processed, and id -> last worker.
 * A task processed twice shows 2; a lost task never appears. Tests and the demo read it.
 */
export class DoneLedger {
  constructor(
    private readonly redis: Redis,
    readonly prefix: string,
  ) {}

  get countKey(): string {
    return `${this.prefix}:done:count`;
  }
  get byKey(): string {
    return `${this.prefix}:done:by`;
  }

  async record(task: Task, worker: string): Promise<void> {
    await this.redis.multi().hincrby(this.countKey, task.id, 1).hset(this.byKey, task.id, worker).exec();
  }

  /** id -> times processed. */
  async counts(): Promise<Map<string, number>> {
    const raw = await this.redis.hgetall(this.countKey);
    return new Map(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  async by(id: string): Promise<string | null> {
    return this.redis.hget(this.byKey, id);
  }

  async size(): Promise<number> {
    return this.redis.hlen(this.countKey);
  }
}
