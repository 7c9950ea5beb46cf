// How a lesson finds its service, in order:
//   1. the env URL (NATS_URL, REDIS_URL, DATABASE_URL, AMQP_URL), if set: used as given, or a clear error;
//   2. the default local port, if something answers there;
//   3. a private throwaway server started from a local binary (not RabbitMQ);
//   4. a container, where a container runtime answers (not RabbitMQ);
//   5. otherwise one sentence naming what was tried and how to fix it.
// The description a lesson prints names the server's version too (asked of the server itself), so
// output from a 2.9.10 broker is never mistaken for a current one.
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { DEFAULTS, defaultAmqpUrl, defaultNatsUrl, defaultPostgresUrl, defaultRedisUrl } from '../config';
import { containerRuntimeAvailable, startContainer, type ContainerKind } from './containers';
import { PrivateNatsServer, natsServerBinary } from './nats-server';
import { createPrivateDatabase, PrivatePostgresCluster, postgresBinDir } from './postgres';
import { tcpReachable } from './process';
import { PrivateRedisServer, redisServerBinary } from './redis-server';

export type ServiceKind = ContainerKind | 'rabbitmq';
export type ServiceSource = 'env' | 'local' | 'private' | 'container';

export interface ResolvedService {
  kind: ServiceKind;
  url: string;
  source: ServiceSource;
  /** One line for the lesson's output: which server it is using and why. */
  description: string;
  /** Stop whatever this resolution started (a private server, a container, a temp database). */
  close(): Promise<void>;
}

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Override the default local URL (tests use a dead port to exercise the fallbacks). */
  defaultUrl?: string;
  /** Allow starting a private server from a local binary (default true). */
  privateBinary?: boolean;
  /** Allow a container (default true, if a runtime answers). */
  containers?: boolean;
}

export class ServiceUnavailableError extends Error {}

const LABEL: Record<ServiceKind, string> = { nats: 'NATS', redis: 'Redis', postgres: 'PostgreSQL', rabbitmq: 'RabbitMQ' };
const DEFAULT_URL: Record<ServiceKind, string> = {
  nats: defaultNatsUrl,
  redis: defaultRedisUrl,
  postgres: defaultPostgresUrl,
  rabbitmq: defaultAmqpUrl,
};

export async function resolveService(kind: ServiceKind, opts: ResolveOptions = {}): Promise<ResolvedService> {
  const found = await findService(kind, opts);
  const version = await serverVersion(kind, found.url);
  // "NATS: nats://127.0.0.1:4222 (the local server …)" becomes "NATS (nats-server 2.9.10): nats://…"
  return { ...found, description: found.description.replace(/^([^:]+):/, `$1 (${version}):`) };
}

async function findService(kind: ServiceKind, opts: ResolveOptions): Promise<ResolvedService> {
  const env = opts.env ?? process.env;
  const cfg = DEFAULTS[kind];
  const label = LABEL[kind];
  const fix = `start it with \`docker compose up -d ${cfg.composeService}\` (or install the Debian package) and try again`;
  const noop = async () => {};

  const envUrl = env[cfg.envVar];
  if (envUrl) {
    const { hostname, port } = hostPort(envUrl, kind);
    if (!(await tcpReachable(hostname, port))) {
      throw new ServiceUnavailableError(`${label} is not reachable at ${redact(envUrl)} (from ${cfg.envVar}): ${fix}, or unset ${cfg.envVar}.`);
    }
    const problem = await unusable(kind, envUrl);
    if (problem) throw new ServiceUnavailableError(`${label} at ${redact(envUrl)} (from ${cfg.envVar}) answers, but ${problem}: ${fix}, or point ${cfg.envVar} elsewhere.`);
    return { kind, url: envUrl, source: 'env', description: `${label}: ${redact(envUrl)} (from ${cfg.envVar})`, close: noop };
  }

  const localUrl = opts.defaultUrl ?? DEFAULT_URL[kind];
  const local = hostPort(localUrl, kind);
  // Something may answer on the default port that the lessons cannot use: a nats-server without
  // JetStream (Debian's packaged service), a PostgreSQL that wants a password. Then fall through.
  let localProblem: string | undefined = 'nothing answered there';
  if (await tcpReachable(local.hostname, local.port)) {
    localProblem = await unusable(kind, localUrl);
    if (!localProblem) {
      return { kind, url: localUrl, source: 'local', description: `${label}: ${redact(localUrl)} (the local server on the default port)`, close: noop };
    }
  }

  // RabbitMQ is only the bench's comparison: no private server or container is started for it.
  const privateBinary = kind !== 'rabbitmq' && opts.privateBinary !== false;
  const containers = kind !== 'rabbitmq' && opts.containers !== false;
  if (privateBinary) {
    const started = await startPrivate(kind, `${redact(localUrl)}: ${localProblem}`);
    if (started) return started;
  }

  if (containers && (await containerRuntimeAvailable())) {
    const c = await startContainer(kind);
    return { kind, url: c.url, source: 'container', description: `${label}: ${redact(c.url)} (a throwaway container)`, close: c.stop };
  }

  // Say what was actually tried, so the sentence never claims a check that did not happen.
  const tried = [
    localProblem === 'nothing answered there'
      ? `No ${label} server answers at ${redact(localUrl)} (set ${cfg.envVar} to use another)`
      : `The ${label} server at ${redact(localUrl)} is not usable, ${localProblem} (set ${cfg.envVar} to use another)`,
  ];
  if (privateBinary) tried.push('no local binary to start a private one');
  if (containers) tried.push('no container runtime');
  const list = tried.length > 1 ? `${tried.slice(0, -1).join(', ')}, and ${tried[tried.length - 1]}` : tried[0];
  throw new ServiceUnavailableError(`${list}: ${fix}.`);
}

async function startPrivate(kind: ServiceKind, why: string): Promise<ResolvedService | undefined> {
  if (kind === 'nats' && natsServerBinary()) {
    const s = await PrivateNatsServer.start();
    return { kind, url: s.url, source: 'private', description: `NATS: ${s.url} (a private nats-server with JetStream started for this run; ${why})`, close: () => s.dispose() };
  }
  if (kind === 'redis' && redisServerBinary()) {
    const s = await PrivateRedisServer.start();
    return { kind, url: s.url, source: 'private', description: `Redis: ${s.url} (a private redis-server started for this run; ${why})`, close: () => s.dispose() };
  }
  if (kind === 'postgres' && postgresBinDir()) {
    const s = await PrivatePostgresCluster.start();
    return { kind, url: s.url, source: 'private', description: `PostgreSQL: ${s.url} (a private cluster started for this run; ${why})`, close: () => s.dispose() };
  }
  return undefined;
}

/** Why a server that answers on its port still cannot serve the lessons, or undefined if it can. */
async function unusable(kind: ServiceKind, url: string): Promise<string | undefined> {
  if (kind === 'nats') {
    try {
      const nc = await connect({ servers: url, maxReconnectAttempts: 0, timeout: 2_000, name: 'mq-lessons-probe' });
      const js = nc.info?.jetstream === true;
      await nc.close();
      return js ? undefined : 'JetStream is not enabled there (run nats-server with -js)';
    } catch (err) {
      return `connecting failed (${(err as Error).message})`;
    }
  }
  if (kind === 'postgres') {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      return undefined;
    } catch (err) {
      return `logging in failed (${(err as Error).message})`;
    } finally {
      await client.end().catch(() => {});
    }
  }
  if (kind === 'rabbitmq') {
    try {
      const amqp = await import('amqplib');
      const conn = await amqp.connect(url, { timeout: 3_000 });
      await conn.close();
      return undefined;
    } catch (err) {
      return `logging in failed (${(err as Error).message})`;
    }
  }
  return undefined;
}

/** The server's own word on what it is ("nats-server 2.9.10", "redis-server 7.0.15"), or why we could not ask. */
export async function serverVersion(kind: ServiceKind, url: string): Promise<string> {
  try {
    if (kind === 'nats') {
      const nc = await connect({ servers: url, maxReconnectAttempts: 0, timeout: 2_000, name: 'mq-lessons-probe' });
      const v = nc.info?.version;
      await nc.close();
      return `nats-server ${v}`;
    }
    if (kind === 'redis') {
      const { Redis } = await import('ioredis');
      const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2_000, retryStrategy: () => null });
      r.on('error', () => {});
      try {
        await r.connect();
        const info = await r.info('server');
        return `redis-server ${/redis_version:(\S+)/.exec(info)?.[1] ?? '(version unknown)'}`;
      } finally {
        r.disconnect();
      }
    }
    if (kind === 'postgres') {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
      try {
        await client.connect();
        const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
        return `postgres ${rows[0].server_version.split(' ')[0]}`;
      } finally {
        await client.end().catch(() => {});
      }
    }
    const amqp = await import('amqplib');
    const conn = await amqp.connect(url, { timeout: 3_000 });
    type WithProps = { connection: { serverProperties: { version?: string } } };
    const props = (conn as unknown as WithProps).connection.serverProperties;
    await conn.close();
    return `rabbitmq-server ${props.version ?? '(version unknown)'}`;
  } catch (err) {
    return `version unknown: ${(err as Error).message}`;
  }
}

/**
 * A fresh, empty database for one run or one test file, on whatever cluster resolveService finds.
 * close() drops the database and stops anything the resolution started.
 */
export async function resolveDatabase(opts: ResolveOptions & { prefix?: string } = {}): Promise<ResolvedService> {
  const cluster = await resolveService('postgres', opts);
  try {
    const db = await createPrivateDatabase(cluster.url, opts.prefix);
    return {
      ...cluster,
      url: db.url,
      description: `${cluster.description}, fresh database ${db.name}`,
      close: async () => {
        await db.dispose();
        await cluster.close();
      },
    };
  } catch (err) {
    if (cluster.source === 'env') return cluster; // no CREATE DATABASE right: use the given database as-is
    await cluster.close();
    throw err;
  }
}

export const resolveNats = (opts?: ResolveOptions) => resolveService('nats', opts);
export const resolveRedis = (opts?: ResolveOptions) => resolveService('redis', opts);
/** RabbitMQ (11-bench's comparison): AMQP_URL, else amqp://guest:guest@127.0.0.1:5672, else one sentence. */
export const resolveRabbit = (opts?: ResolveOptions) => resolveService('rabbitmq', opts);

const SCHEME: Record<ServiceKind, string> = { nats: 'nats', redis: 'redis', postgres: 'postgres', rabbitmq: 'amqp' };

function hostPort(url: string, kind: ServiceKind): { hostname: string; port: number } {
  let u: URL;
  try {
    u = new URL(url.includes('://') ? url : `${SCHEME[kind]}://${url}`);
  } catch {
    throw new ServiceUnavailableError(`${LABEL[kind]} URL "${url}" is not a valid URL (expected e.g. ${DEFAULT_URL[kind]}).`);
  }
  return { hostname: u.hostname || '127.0.0.1', port: Number(u.port) || DEFAULTS[kind].port };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');
}
