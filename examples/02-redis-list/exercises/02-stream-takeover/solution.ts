// Reference solution of 02-stream-takeover: XAUTOCLAIM with the idle threshold, following its
// cursor, then XGROUP DELCONSUMER for consumers that hold nothing and have been idle as long.
import type { Redis } from 'ioredis';

export interface StreamRef {
  stream: string;
  group: string;
}

export async function takeOverStale(redis: Redis, ref: StreamRef, consumer: string, minIdleMs: number): Promise<string[]> {
  const taken: string[] = [];
  let cursor = '0-0';
  do {
    const [next, entries] = (await redis.xautoclaim(ref.stream, ref.group, consumer, minIdleMs, cursor, 'COUNT', 100)) as [
      string,
      ([string, string[]] | null)[],
    ];
    for (const e of entries) if (e) taken.push(e[0]);
    cursor = next;
  } while (cursor !== '0-0');
  const consumers = (await redis.xinfo('CONSUMERS', ref.stream, ref.group)) as unknown[];
  for (const row of consumers) {
    const info = toObject(row);
    if (info.name !== consumer && Number(info.pending) === 0 && Number(info.idle) >= minIdleMs) {
      await redis.xgroup('DELCONSUMER', ref.stream, ref.group, String(info.name));
    }
  }
  return taken;
}

/** XINFO rows arrive as a flat [key, value, ...] array (RESP2) or a Map (RESP3). */
function toObject(row: unknown): Record<string, unknown> {
  if (row instanceof Map) return Object.fromEntries(row);
  const flat = row as unknown[];
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}
