// Redis Streams: XADD, a consumer group read with XREADGROUP and confirmed with XACK.
import type { Redis } from 'ioredis';
import type { Driver } from '../driver';

export function redisStreamsDriver(redis: Redis, newConnection: () => Redis, key = 'bench:stream'): Driver {
  const workers: Redis[] = [];
  let consumerNo = 0;
  return {
    name: 'redis-streams',
    semantics: 'consumer group, XACK; pending entries survive a worker crash',
    backend: 'redis',
    async setup() {
      await redis.del(key);
    },
    async publish(data) {
      await redis.xadd(key, '*', 'd', Buffer.from(data));
    },
    async flush() {},
    depth: () => redis.xlen(key),
    async subscribe(group, handler) {
      await redis.xgroup('CREATE', key, group, '0', 'MKSTREAM').catch((err: Error) => {
        if (!/BUSYGROUP/.test(err.message)) throw err;
      });
      const conn = newConnection();
      workers.push(conn);
      const me = `c${++consumerNo}`;
      let running = true;
      const loop = (async () => {
        while (running) {
          const res = (await conn.xreadgroupBuffer('GROUP', group, me, 'COUNT', 100, 'BLOCK', 200, 'STREAMS', key, '>').catch(() => null)) as [Buffer, [Buffer, Buffer[]][]][] | null;
          for (const [, entries] of res ?? []) {
            for (const [id, fields] of entries) {
              await handler({ data: fields[1], ack: async () => void (await conn.xack(key, group, id)) });
            }
          }
        }
      })();
      return {
        stop: async () => {
          running = false;
          await loop;
        },
      };
    },
    async close() {
      workers.forEach((w) => w.disconnect());
    },
  };
}
