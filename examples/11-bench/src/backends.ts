// The bench owns its servers (private nats-server, redis-server and PostgreSQL cluster, and a
// private RabbitMQ node where it can start one), so it can restart them to observe what each
// transport keeps, and builds every driver, and its raw counterpart, on them.
import { connectNats, connectRedis, pgPool, resolveRabbit, serverVersion, ServiceUnavailableError, type Nats } from '@mq/shared';
import { PrivateNatsServer, PrivatePostgresCluster, PrivateRedisServer } from '@mq/shared/services';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Driver, RawRun } from './driver';
import { jetstreamDriver, rawJetStream } from './drivers/jetstream';
import { natsCoreDriver, rawNatsCore } from './drivers/nats-core';
import { postgresDriver, rawPostgres } from './drivers/postgres';
import { rabbitDriver, rawRabbit } from './drivers/rabbitmq';
import { rawRedisList, redisListDriver } from './drivers/redis-list';
import { rawRedisStreams, redisStreamsDriver } from './drivers/redis-streams';
import { PrivateRabbitServer, rabbitServerScript } from './rabbit-server';

export interface Rabbit {
  url: string;
  /** Set when the bench started its own node: only then may it restart RabbitMQ. */
  private?: PrivateRabbitServer;
  /** Why RabbitMQ is not restarted, when it is not. */
  notRestartedBecause?: string;
  /** Set when there is no RabbitMQ to measure: the one sentence saying why and how to fix it. */
  unavailable?: string;
  /** Queue names: unique per run on a shared server. */
  queuePrefix: string;
  close(): Promise<void>;
}

export interface Servers {
  nats: PrivateNatsServer;
  redis: PrivateRedisServer;
  postgres: PrivatePostgresCluster;
  rabbit: Rabbit;
  versions: Record<'nats' | 'redis' | 'postgres' | 'rabbitmq', string>;
  restartAll(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * A private RabbitMQ node takes ~5 s to start and ~10 s to restart, so only the full run starts one
 * (and restarts it). The quick run uses the machine's RabbitMQ with queue names of its own, and never
 * restarts it: other lessons and people use that server.
 */
async function startRabbit(privateNode: boolean): Promise<Rabbit> {
  if (privateNode && rabbitServerScript()) {
    const node = await PrivateRabbitServer.start();
    return { url: node.url, private: node, queuePrefix: 'bench', close: () => node.dispose() };
  }
  let shared;
  try {
    shared = await resolveRabbit();
  } catch (err) {
    if (!(err instanceof ServiceUnavailableError)) throw err;
    // The other seven transports are still worth measuring: say why RabbitMQ is missing, once.
    const unavailable = `RabbitMQ is not measured in this run. ${err.message}`;
    return { url: '', unavailable, notRestartedBecause: 'there is no RabbitMQ', queuePrefix: '', close: async () => {} };
  }
  const why = privateNode ? 'there is no rabbitmq-server binary to start a private node' : 'quick mode uses the shared RabbitMQ';
  return {
    url: shared.url,
    notRestartedBecause: `${why}, which the bench must not restart (every lesson and person on this machine may be using it)`,
    queuePrefix: `l11.bench.${process.pid}`,
    close: () => shared.close(),
  };
}

export async function startServers(opts: { privateRabbit: boolean }): Promise<Servers> {
  const [nats, redis, postgres, rabbit] = await Promise.all([
    PrivateNatsServer.start(),
    PrivateRedisServer.start(),
    PrivatePostgresCluster.start(),
    startRabbit(opts.privateRabbit),
  ]);
  const [vn, vr, vp, va] = await Promise.all([
    serverVersion('nats', nats.url),
    serverVersion('redis', redis.url),
    serverVersion('postgres', postgres.url),
    rabbit.unavailable ? 'no RabbitMQ' : serverVersion('rabbitmq', rabbit.url),
  ]);
  return {
    nats,
    redis,
    postgres,
    rabbit,
    versions: { nats: vn, redis: vr, postgres: vp, rabbitmq: va },
    restartAll: async () => {
      await Promise.all([nats.restart(), redis.restart(), postgres.restart(), rabbit.private?.restart()]);
    },
    dispose: async () => {
      await Promise.allSettled([nats.dispose(), redis.dispose(), postgres.dispose(), rabbit.close()]);
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
  rabbitWindow: number;
  rabbitPrefetch: number;
}

export interface Pair {
  driver: Driver;
  raw: RawRun;
}

export function buildPairs(c: Connections, servers: Servers, opts: DriverOptions): Pair[] {
  const newRedis = () => {
    const r = connectRedis(servers.redis.url);
    c.extraRedis.push(r);
    return r;
  };
  const { js, jsm, nc } = c.nats;
  const poll = { mode: 'poll', intervalMs: opts.pollIntervalMs } as const;
  const notify = { mode: 'notify', intervalMs: 1_000 } as const;
  const rabbit = { window: opts.rabbitWindow, prefetch: opts.rabbitPrefetch };
  const q = servers.rabbit.queuePrefix;
  const pairs: Pair[] = [
    { driver: postgresDriver(c.pool, poll), raw: rawPostgres(c.pool, poll) },
    { driver: postgresDriver(c.pool, notify), raw: rawPostgres(c.pool, notify) },
    { driver: redisListDriver(c.redis, newRedis), raw: rawRedisList(c.redis, newRedis) },
    { driver: redisStreamsDriver(c.redis, newRedis), raw: rawRedisStreams(c.redis, newRedis) },
    { driver: natsCoreDriver(nc), raw: rawNatsCore(nc) },
    { driver: jetstreamDriver(js, jsm, 'sync'), raw: rawJetStream(js, jsm, 'sync') },
    { driver: jetstreamDriver(js, jsm, 'async', opts.jetstreamWindow), raw: rawJetStream(js, jsm, 'async', opts.jetstreamWindow) },
  ];
  if (!servers.rabbit.unavailable) {
    pairs.push({ driver: rabbitDriver(servers.rabbit.url, rabbit, `${q}.rabbit`), raw: rawRabbit(servers.rabbit.url, rabbit, `${q}.raw-rabbit`) });
  }
  return pairs;
}

export function buildDrivers(c: Connections, servers: Servers, opts: DriverOptions): Driver[] {
  return buildPairs(c, servers, opts).map((p) => p.driver);
}
