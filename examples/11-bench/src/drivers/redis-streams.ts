// Redis Streams: XADD, a consumer group read with XREADGROUP and confirmed with XACK.
// rawRedisStreams is the same three commands with bare ioredis connections, for the ratio.
import type { Redis } from 'ioredis';
import { Arrivals, publishAll, readSeq, type Driver, type RawRun } from '../driver';

type Entries = [Buffer, [Buffer, Buffer[]][]][] | null;

async function createGroup(redis: Redis, key: string, group: string): Promise<void> {
  await redis.xgroup('CREATE', key, group, '0', 'MKSTREAM').catch((err: Error) => {
    if (!/BUSYGROUP/.test(err.message)) throw err;
  });
}

function readGroup(conn: Redis, key: string, group: string, me: string): Promise<Entries> {
  return conn.xreadgroupBuffer('GROUP', group, me, 'COUNT', 100, 'BLOCK', 200, 'STREAMS', key, '>').catch(() => null) as Promise<Entries>;
}

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
      await createGroup(redis, key, group);
      const conn = newConnection();
      workers.push(conn);
      const me = `c${++consumerNo}`;
      let running = true;
      // stop() disconnects: an XACK still in flight then fails, and only then is that expected.
      const stopping = (err: unknown) => {
        if (running) throw err;
      };
      const loop = (async () => {
        while (running) {
          for (const [, entries] of (await readGroup(conn, key, group, me)) ?? []) {
            for (const [id, fields] of entries) {
              const done = handler({ data: fields[1], ack: () => conn.xack(key, group, id).then(() => {}, stopping) });
              if (done) await done;
            }
          }
        }
      })();
      return {
        stop: async () => {
          running = false;
          conn.disconnect(); // ends a waiting XREADGROUP BLOCK now instead of at its timeout
          await loop;
        },
      };
    },
    async close() {
      workers.forEach((w) => w.disconnect());
    },
  };
}

export function rawRedisStreams(redis: Redis, newConnection: () => Redis, key = 'bench:raw-stream'): RawRun {
  return {
    name: 'redis-streams',
    async run({ messages, size, workers, timeoutMs }) {
      await redis.del(key);
      await createGroup(redis, key, 'raw');
      const arrivals = new Arrivals(messages);
      const conns = Array.from({ length: workers }, newConnection);
      let running = true;
      const stopping = (err: unknown) => {
        if (running) throw err;
      };
      const loops = conns.map(async (conn, w) => {
        while (running) {
          for (const [, entries] of (await readGroup(conn, key, 'raw', `c${w}`)) ?? []) {
            for (const [id, fields] of entries) {
              arrivals.record(readSeq(fields[1]));
              await conn.xack(key, 'raw', id).catch(stopping);
            }
          }
        }
      });
      const t0 = performance.now();
      await publishAll((d) => redis.xadd(key, '*', 'd', Buffer.from(d)).then(() => {}), 0, messages, size);
      await arrivals.until(messages, timeoutMs);
      const ms = performance.now() - t0;
      running = false;
      conns.forEach((c) => c.disconnect());
      await Promise.all(loops);
      await redis.del(key);
      return { ms, received: arrivals.received, duplicates: arrivals.duplicates };
    },
  };
}
