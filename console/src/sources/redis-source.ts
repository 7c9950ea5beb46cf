// What the console shows of the Redis queues (lessons 02 and 12): the length of every list a
// lesson made (l02:..., l12:...). A queue list growing means work waits; a processing list that
// stays non-empty means a worker took work and never finished it.
import type { Redis } from 'ioredis';

export interface RedisListView {
  key: string;
  length: number;
}

export async function readRedisLists(redis: Redis, maxKeys = 200): Promise<RedisListView[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', '[lx][0-9][0-9]:*', 'COUNT', 500, 'TYPE', 'list');
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0' && keys.length < maxKeys);
  const lengths = await Promise.all(keys.slice(0, maxKeys).map((k) => redis.llen(k)));
  return keys
    .slice(0, maxKeys)
    .map((key, i) => ({ key, length: lengths[i] }))
    .sort((a, b) => a.key.localeCompare(b.key));
}
