// Redis list: LPUSH / BRPOP. The pop is the only "ack": once popped, a message is the worker's alone.
import type { Redis } from 'ioredis';
import type { Driver } from '../driver';

export function redisListDriver(redis: Redis, newConnection: () => Redis, key = 'bench:list'): Driver {
  const workers: Redis[] = [];
  return {
    name: 'redis-list',
    semantics: 'BRPOP removes on read: no ack, a crash loses the task',
    backend: 'redis',
    async setup() {
      await redis.del(key);
    },
    async publish(data) {
      await redis.lpush(key, Buffer.from(data));
    },
    async flush() {},
    depth: () => redis.llen(key),
    async subscribe(_group, handler) {
      const conn = newConnection();
      workers.push(conn);
      let running = true;
      const loop = (async () => {
        while (running) {
          const r = await conn.brpopBuffer(key, 0.2).catch(() => null);
          if (r) await handler({ data: r[1], ack: async () => {} });
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
