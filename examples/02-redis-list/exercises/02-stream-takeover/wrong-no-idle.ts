// wrong: "take over whatever is pending" sounds like recovery, with no threshold to pick
// expect: after only
import type { Redis } from 'ioredis';

export interface StreamRef {
  stream: string;
  group: string;
}

export async function takeOverStale(redis: Redis, ref: StreamRef, consumer: string): Promise<string[]> {
  const [, entries] = (await redis.xautoclaim(ref.stream, ref.group, consumer, 0, '0-0', 'COUNT', 100)) as [string, ([string, string[]] | null)[]];
  return entries.filter((e) => e !== null).map((e) => e![0]);
}
