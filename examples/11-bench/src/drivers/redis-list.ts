// Redis list: LPUSH / BRPOP. The pop is the only "ack": once popped, a message is the worker's alone.
// rawRedisList is the same two commands with bare ioredis connections, for the ratio.
import type { Redis } from 'ioredis';
import { Arrivals, publishAll, readSeq, type Driver, type RawRun } from '../driver';

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
          if (!r) continue;
          const done = handler({ data: r[1], ack: () => {} });
          if (done) await done;
        }
      })();
      return {
        stop: async () => {
          running = false;
          conn.disconnect(); // ends a waiting BRPOP now instead of at its timeout
          await loop;
        },
      };
    },
    async close() {
      workers.forEach((w) => w.disconnect());
    },
  };
}

export function rawRedisList(redis: Redis, newConnection: () => Redis, key = 'bench:raw-list'): RawRun {
  return {
    name: 'redis-list',
    async run({ messages, size, workers, timeoutMs }) {
      await redis.del(key);
      const arrivals = new Arrivals(messages);
      const conns = Array.from({ length: workers }, newConnection);
      let running = true;
      const loops = conns.map(async (conn) => {
        while (running) {
          const r = await conn.brpopBuffer(key, 0.2).catch(() => null);
          if (r) arrivals.record(readSeq(r[1]));
        }
      });
      const t0 = performance.now();
      await publishAll((d) => redis.lpush(key, Buffer.from(d)).then(() => {}), 0, messages, size);
      await arrivals.until(messages, timeoutMs);
      const ms = performance.now() - t0;
      running = false;
      conns.forEach((c) => c.disconnect());
      await Promise.all(loops);
      return { ms, received: arrivals.received, duplicates: arrivals.duplicates };
    },
  };
}
