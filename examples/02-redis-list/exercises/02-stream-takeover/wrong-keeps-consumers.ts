// wrong: the takeover is the recovery, so nothing else seems needed
// expect: stayed in the group
import type { Redis } from 'ioredis';

export interface StreamRef {
  stream: string;
  group: string;
}

export async function takeOverStale(redis: Redis, ref: StreamRef, consumer: string, minIdleMs: number): Promise<string[]> {
  const [, entries] = (await redis.xautoclaim(ref.stream, ref.group, consumer, minIdleMs, '0-0', 'COUNT', 100)) as [
    string,
    ([string, string[]] | null)[],
  ];
  return entries.filter((e) => e !== null).map((e) => e![0]);
}
