// wrong: the story's worker: BRPOP hands the task over at once, and is simplest
// expect: was never done
import type { Redis } from 'ioredis';

export async function processNext(redis: Redis, queue: string, worker: string, handle: (task: string) => Promise<void>): Promise<boolean> {
  void worker;
  const popped = await redis.brpop(queue, 0.1);
  if (!popped) return false;
  await handle(popped[1]);
  return true;
}
