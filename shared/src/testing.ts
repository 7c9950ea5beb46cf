// Test fixtures: each test file owns its brokers, so files run in parallel without sharing
// streams, and tests that kill a broker only ever kill their own.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { connectNats, connectRedis, type Nats } from './connect';
import { PrivateNatsServer, type PrivateNatsOptions } from './services/nats-server';
import { PrivateRedisServer, type PrivateRedisOptions } from './services/redis-server';
import { resolveDatabase, type ResolvedService } from './services/resolve';

export interface NatsFixture {
  server: PrivateNatsServer;
  nats: Nats;
  url: string;
  /** Another connection to the same server (a second process's view). */
  connect(name?: string): Promise<Nats>;
  dispose(): Promise<void>;
}

/** A private nats-server with JetStream plus one connection to it. */
export async function privateNats(opts: PrivateNatsOptions = {}): Promise<NatsFixture> {
  const server = await PrivateNatsServer.start(opts);
  const extra: Nats[] = [];
  const nats = await connectNats(server.url);
  return {
    server,
    nats,
    url: server.url,
    async connect(name) {
      const c = await connectNats(server.url, name ? { name } : {});
      extra.push(c);
      return c;
    },
    async dispose() {
      await Promise.allSettled([nats, ...extra].map((c) => c.close()));
      await server.dispose();
    },
  };
}

/**
 * The usual set-up of a test file, in one line: a private nats-server started before the file's
 * tests and disposed after them. The fixture's fields are readable from the tests on.
 *   const fx = privateNatsForFile();
 */
export function privateNatsForFile(opts: PrivateNatsOptions = {}): NatsFixture {
  let fixture: NatsFixture | undefined;
  beforeAll(async () => {
    fixture = await privateNats(opts);
  });
  afterAll(() => fixture?.dispose());
  return new Proxy({} as NatsFixture, {
    get(_target, key) {
      if (!fixture) throw new Error('the private nats-server starts in beforeAll: use the fixture inside hooks and tests');
      const value = fixture[key as keyof NatsFixture];
      return typeof value === 'function' ? value.bind(fixture) : value;
    },
  });
}

export interface RedisFixture {
  server: PrivateRedisServer;
  /** One connection, opened with the fixture. */
  redis: Redis;
  url: string;
  /** Another connection (BRPOP, BLMOVE and XREADGROUP BLOCK each need one of their own). */
  connect(): Redis;
  /** Disconnect every connection the fixture opened, then stop the server and delete its data. */
  dispose(): Promise<void>;
}

/** A private redis-server plus the connections a test opens to it, closed together. */
export async function privateRedisFixture(opts: PrivateRedisOptions = {}): Promise<RedisFixture> {
  const server = await PrivateRedisServer.start(opts);
  const conns: Redis[] = [];
  const connect = () => {
    const c = connectRedis(server.url);
    conns.push(c);
    return c;
  };
  return {
    server,
    redis: connect(),
    url: server.url,
    connect,
    async dispose() {
      conns.forEach((c) => c.disconnect());
      await server.dispose();
    },
  };
}

export async function privateRedis(opts: PrivateRedisOptions = {}): Promise<PrivateRedisServer> {
  return PrivateRedisServer.start(opts);
}

/** A fresh database for one test file; close() drops it. */
export async function privateDatabase(prefix = 'mqtest'): Promise<ResolvedService> {
  return resolveDatabase({ prefix });
}
