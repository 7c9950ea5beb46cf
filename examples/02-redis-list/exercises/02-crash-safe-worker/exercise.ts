// Exercise 02-crash-safe-worker: take a task from a Redis list so that a worker killed mid-task
// loses nothing. Run `pnpm verify 02-crash-safe-worker` to check it, `pnpm hint 02-crash-safe-worker`.
import type { Redis } from 'ioredis';
import { NotWrittenYet } from '@mq/shared/workshop';

/**
 * Process one task from the list `queue` (producers LPUSH, so the oldest is at the right end):
 * call `handle(task)`, and only then forget the task. If the process is killed at any moment,
 * the task it held must not be lost: when a worker with the same `worker` name starts again, its
 * first call handles that task before taking a new one. Return false when there was nothing to do.
 */
export async function processNext(redis: Redis, queue: string, worker: string, handle: (task: string) => Promise<void>): Promise<boolean> {
  void redis;
  void queue;
  void worker;
  void handle;
  throw new NotWrittenYet('processNext: take a task so that a crash cannot lose it');
}
