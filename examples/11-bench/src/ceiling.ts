// The raw client ceiling per backend, measured in the same run: how many messages per second the
// same client library pushes into the same server with batching and no queue semantics at all.
// Each driver's throughput is then reported as a share of its backend's ceiling.
import type { NatsConnection } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import type pg from 'pg';

export type Ceilings = Record<'nats' | 'redis' | 'postgres', number>;

export async function measureCeilings(nc: NatsConnection, redis: Redis, pool: pg.Pool, messages: number, size: number): Promise<Ceilings> {
  const payload = Buffer.alloc(size, 7);
  const rate = (n: number, t0: number) => Math.round(n / ((performance.now() - t0) / 1000));

  let t0 = performance.now();
  for (let i = 0; i < messages; i++) nc.publish('bench.ceiling', payload);
  await nc.flush();
  const nats = rate(messages, t0);

  await redis.del('bench:ceiling');
  t0 = performance.now();
  for (let i = 0; i < messages; i += 100) {
    const p = redis.pipeline();
    for (let j = i; j < Math.min(messages, i + 100); j++) p.lpush('bench:ceiling', payload);
    await p.exec();
  }
  const redisRate = rate(messages, t0);
  await redis.del('bench:ceiling');

  await pool.query('DROP TABLE IF EXISTS bench_ceiling; CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, payload bytea NOT NULL)');
  t0 = performance.now();
  for (let i = 0; i < messages; i += 100) {
    const n = Math.min(100, messages - i);
    await pool.query('INSERT INTO bench_ceiling(payload) SELECT $1::bytea FROM generate_series(1, $2::int)', [payload, n]);
  }
  const postgres = rate(messages, t0);
  await pool.query('DROP TABLE bench_ceiling');
  return { nats, redis: redisRate, postgres };
}
