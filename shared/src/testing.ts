// Test fixtures: each test file owns its brokers, so files run in parallel without sharing
// streams, and tests that kill a broker only ever kill their own.
import { connectNats, type Nats } from './connect';
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

export async function privateRedis(opts: PrivateRedisOptions = {}): Promise<PrivateRedisServer> {
  return PrivateRedisServer.start(opts);
}

/** A fresh database for one test file; close() drops it. */
export async function privateDatabase(prefix = 'mqtest'): Promise<ResolvedService> {
  return resolveDatabase({ prefix });
}
