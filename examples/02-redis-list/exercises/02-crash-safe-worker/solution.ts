// Reference solution of 02-crash-safe-worker: LMOVE into a processing list of this worker's own,
// LREM after the work (the ack); on restart, finish what the list still holds.
import type { Redis } from 'ioredis';

export async function processNext(redis: Redis, queue: string, worker: string, handle: (task: string) => Promise<void>): Promise<boolean> {
  const processing = `${queue}:processing:${worker}`;
  // Left over from before a crash? Then that one first.
  const task = (await redis.lindex(processing, -1)) ?? (await redis.lmove(queue, processing, 'RIGHT', 'LEFT'));
  if (task === null) return false;
  await handle(task);
  await redis.lrem(processing, 1, task);
  return true;
}
