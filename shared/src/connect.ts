// Connections to the services, configured the same way in every lesson.
import { connect, type NatsConnection, type ConnectionOptions } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Redis, type RedisOptions } from 'ioredis';
import pg from 'pg';

export interface Nats {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** What the server said it is when we connected, e.g. "nats-server 2.9.10". */
  serverVersion: string;
  close(): Promise<void>;
}

/**
 * Connect to NATS and open JetStream. Reconnects forever (maxReconnectAttempts: -1), so a
 * broker restart is an outage the client rides through, not the end of the process.
 *
 * `noAsyncTraces: true` by default: otherwise nats.js captures an async stack trace (and keeps a
 * timer) for every request, a PubAck or a confirmed ack included, which costs about as much as the
 * rest of the publish (11-bench measures it). Pass `{ noAsyncTraces: false }` when a lesson wants
 * request errors to point at the line that made the request.
 */
export async function connectNats(url: string, opts: Partial<ConnectionOptions> = {}): Promise<Nats> {
  const nc = await connect({
    servers: url,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    name: opts.name ?? 'mq-lessons',
    noAsyncTraces: true,
    ...opts,
  });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  return {
    nc,
    js,
    jsm,
    serverVersion: `nats-server ${nc.info?.version ?? '(version unknown)'}`,
    close: async () => {
      if (!nc.isClosed()) await nc.close();
    },
  };
}

/** ioredis with an error listener, so a broken connection is reported instead of crashing the process. */
export function connectRedis(url: string, opts: RedisOptions = {}, onError: (err: Error) => void = () => {}): Redis {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3, ...opts });
  redis.on('error', onError);
  return redis;
}

export function pgPool(url: string, opts: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 10, ...opts });
  pool.on('error', () => {}); // idle client errors (server restart) are reported by the next query
  return pool;
}
