// Exercise 02-stream-takeover: recover what a dead consumer left in a Redis Streams group.
// Run `pnpm verify 02-stream-takeover` to check it, `pnpm hint 02-stream-takeover` for a hint.
import type { Redis } from 'ioredis';
import { NotWrittenYet } from '@mq/shared/workshop';

export interface StreamRef {
  stream: string;
  group: string;
}

/**
 * Called by a live consumer between reads. Take over, for `consumer`, every entry of the group
 * that another consumer has held without an ack for at least minIdleMs (its owner is presumed
 * dead), and return their entry ids. Then remove from the group every consumer that now holds
 * nothing and has not been seen for minIdleMs, so dead consumers do not pile up.
 */
export async function takeOverStale(redis: Redis, ref: StreamRef, consumer: string, minIdleMs: number): Promise<string[]> {
  void redis;
  void ref;
  void consumer;
  void minIdleMs;
  throw new NotWrittenYet('takeOverStale: claim idle entries, then remove consumers that hold nothing');
}
