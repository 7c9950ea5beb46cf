// The bench owns its three servers (private nats-server, redis-server and PostgreSQL cluster), so it
// can restart them to observe what each transport keeps, and builds every driver on them.
import { connectNats, connectRedis, pgPool, type Nats } from '@mq/shared';
import { PrivateNatsServer, PrivatePostgresCluster, PrivateRedisServer } from '@mq/shared/services';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Driver } from './driver';
import { jetstreamDriver } from './drivers/jetstream';
import { natsCoreDriver } from './drivers/nats-core';
import { postgresDriver } from './drivers/postgres';
import { redisListDriver } from './drivers/redis-list';
import { redisStreamsDriver } from './drivers/redis-streams';

export interface Servers {
  nats: PrivateNatsServer;
  redis: PrivateRedisServer;
  postgres: PrivatePostgresCluster;
  restartAll(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startServers(): Promise<Servers> {
  const [nats, redis, postgres] = await Promise.all([PrivateNatsServer.start(), PrivateRedisServer.start(), PrivatePostgresCluster.start()]);
  return {
    nats,
    redis,
    postgres,
    restartAll: async () => {
      await Promise.all([nats.restart(), redis.restart(), postgres.restart()]);
    },
    dispose: async () => {
      await Promise.allSettled([nats.dispose(), redis.dispose(), postgres.dispose()]);
    },
  };
}

export interface Connections {
  nats: Nats;
  redis: Redis;
  pool: pg.Pool;
  extraRedis: Redis[];
  close(): Promise<void>;
}

export async function connectAll(servers: Servers): Promise<Connections> {
  const extraRedis: Redis[] = [];
  const nats = await connectNats(servers.nats.url, { name: 'bench' });
  const redis = connectRedis(servers.redis.url);
  const pool = pgPool(servers.postgres.url, { max: 8 });
  return {
    nats,
    redis,
    pool,
    extraRedis,
    close: async () => {
      extraRedis.forEach((r) => r.disconnect());
      redis.disconnect();
      await Promise.allSettled([nats.close(), pool.end()]);
    },
  };
}

export interface DriverOptions {
  pollIntervalMs: number;
  jetstreamWindow: number;
}

export function buildDrivers(c: Connections, servers: Servers, opts: DriverOptions): Driver[] {
  const newRedis = () => {
    const r = connectRedis(servers.redis.url);
    c.extraRedis.push(r);
    return r;
  };
  return [
    postgresDriver(c.pool, { mode: 'poll', intervalMs: opts.pollIntervalMs }),
    postgresDriver(c.pool, { mode: 'notify', intervalMs: 1_000 }),
    redisListDriver(c.redis, newRedis),
    redisStreamsDriver(c.redis, newRedis),
    natsCoreDriver(c.nats.nc),
    jetstreamDriver(c.nats.js, c.nats.jsm, 'sync'),
    jetstreamDriver(c.nats.js, c.nats.jsm, 'async', opts.jetstreamWindow),
  ];
}
