// pnpm doctor's look at this machine: which services answer at their env URL or default port and with
// which version, and which server binaries exist. Every probe has a short timeout and they run at once.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import { connectRedis, DEFAULTS, defaultAmqpUrl, defaultNatsUrl, defaultPostgresUrl, defaultRedisUrl, pgPool } from '@mq/shared';
import { findBinary, natsServerBinary, postgresBinDir, redisServerBinary, tcpReachable } from '@mq/shared/services';

const TIMEOUT_MS = 1_500;
export const RABBITMQ_ENV = DEFAULTS.rabbitmq.envVar;
export const defaultRabbitUrl = defaultAmqpUrl;

export interface ServiceProbe {
  name: 'NATS' | 'Redis' | 'PostgreSQL' | 'RabbitMQ';
  url: string;
  /** Where the URL came from: the env var's name, or 'default'. */
  from: string;
  answers: boolean;
  version?: string;
  /** NATS only. */
  jetstream?: boolean;
  /** Why it cannot be used although (or because) it answers. */
  problem?: string;
}

function hostPort(url: string, port: number) {
  const u = new URL(url.includes('://') ? url : `x://${url}`);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port) || port };
}

function pick(env: NodeJS.ProcessEnv, envVar: string, fallback: string) {
  return env[envVar] ? { url: env[envVar]!, from: envVar } : { url: fallback, from: 'default' };
}

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@');

async function probeNats(env: NodeJS.ProcessEnv): Promise<ServiceProbe> {
  const { url, from } = pick(env, DEFAULTS.nats.envVar, defaultNatsUrl);
  const p: ServiceProbe = { name: 'NATS', url, from, answers: false };
  const { host, port } = hostPort(url, DEFAULTS.nats.port);
  if (!(await tcpReachable(host, port))) return { ...p, problem: 'nothing answers there' };
  try {
    // A plain connection (connectNats opens JetStream, which fails on a server without it).
    const nc = await connect({ servers: url, maxReconnectAttempts: 0, timeout: TIMEOUT_MS, name: 'mq-lessons-doctor' });
    const info = nc.info;
    await nc.close();
    const jetstream = info?.jetstream === true;
    return { ...p, answers: true, version: `nats-server ${info?.version}`, jetstream, problem: jetstream ? undefined : 'JetStream is off (run nats-server with -js)' };
  } catch (err) {
    return { ...p, answers: true, problem: `connecting failed: ${(err as Error).message}` };
  }
}

async function probeRedis(env: NodeJS.ProcessEnv): Promise<ServiceProbe> {
  const { url, from } = pick(env, DEFAULTS.redis.envVar, defaultRedisUrl);
  const p: ServiceProbe = { name: 'Redis', url, from, answers: false };
  const { host, port } = hostPort(url, DEFAULTS.redis.port);
  if (!(await tcpReachable(host, port))) return { ...p, problem: 'nothing answers there' };
  const redis = connectRedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: TIMEOUT_MS });
  try {
    await redis.connect();
    const info = await redis.info('server');
    return { ...p, answers: true, version: `Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? '?'}` };
  } catch (err) {
    return { ...p, answers: true, problem: `it refused us: ${(err as Error).message}` };
  } finally {
    redis.disconnect();
  }
}

async function probePostgres(env: NodeJS.ProcessEnv): Promise<ServiceProbe> {
  const { url, from } = pick(env, DEFAULTS.postgres.envVar, defaultPostgresUrl);
  const p: ServiceProbe = { name: 'PostgreSQL', url: redact(url), from, answers: false };
  const { host, port } = hostPort(url, DEFAULTS.postgres.port);
  if (!(await tcpReachable(host, port))) return { ...p, problem: 'nothing answers there' };
  const pool = pgPool(url, { max: 1, connectionTimeoutMillis: TIMEOUT_MS });
  try {
    const { rows } = await pool.query<{ server_version: string }>('SHOW server_version');
    return { ...p, answers: true, version: `PostgreSQL ${rows[0].server_version.split(' ')[0]}` };
  } catch (err) {
    return { ...p, answers: true, problem: `logging in failed: ${(err as Error).message}` };
  } finally {
    await pool.end();
  }
}

/** RabbitMQ's version from the AMQP 0-9-1 handshake (Connection.Start carries server properties). */
async function probeRabbit(env: NodeJS.ProcessEnv): Promise<ServiceProbe> {
  const { url, from } = pick(env, RABBITMQ_ENV, defaultRabbitUrl);
  const p: ServiceProbe = { name: 'RabbitMQ', url: redact(url), from, answers: false };
  const { host, port } = hostPort(url, 5672);
  const start = await new Promise<Buffer | undefined>((resolve) => {
    const socket = net.connect({ host, port });
    let data = Buffer.alloc(0);
    const done = (b?: Buffer) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(b);
    };
    const timer = setTimeout(() => done(data.length ? data : undefined), TIMEOUT_MS);
    socket.on('connect', () => socket.write(Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1])));
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 7 && data.length >= 8 + data.readUInt32BE(3)) done(data);
    });
    socket.on('error', () => done(undefined));
  });
  if (!start) return { ...p, problem: 'nothing answers there' };
  const text = start.toString('latin1');
  const at = text.indexOf('\x07versionS');
  if (!text.includes('RabbitMQ') || at < 0) return { ...p, answers: true, problem: 'something answers, but not RabbitMQ (AMQP 0-9-1)' };
  const len = start.readUInt32BE(at + 9);
  return { ...p, answers: true, version: `RabbitMQ ${start.toString('latin1', at + 13, at + 13 + len)}` };
}

export function probeServices(env: NodeJS.ProcessEnv): Promise<ServiceProbe[]> {
  return Promise.all([probeNats(env), probeRedis(env), probePostgres(env), probeRabbit(env)]);
}

export interface BinaryProbe {
  /** machine / .cache / NATS_SERVER_BIN for nats-server; the binary's name otherwise. */
  label: string;
  path: string;
  version?: string;
  problem?: string;
}

function versionOf(bin: string, args = ['--version']): { version?: string; problem?: string } {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 2_000 });
  if (r.error || r.status !== 0) return { problem: `does not run (${r.error?.message ?? `exit ${r.status}`})` };
  const m = /v?(\d+\.\d+\.\d+|\d+\.\d+)/.exec(`${r.stdout}${r.stderr}`);
  return { version: m?.[1] ?? '?' };
}

/** Every nats-server a private server could use: the machine's, the ones pnpm nats:fetch cached, NATS_SERVER_BIN. */
export function natsBinaries(root: string, env: NodeJS.ProcessEnv): { found: BinaryProbe[]; privateUses?: string } {
  const found: BinaryProbe[] = [];
  const machine = findBinary('nats-server', ['/usr/sbin', '/usr/local/bin']);
  if (machine) found.push({ label: "machine's", path: machine, ...versionOf(machine) });
  const cache = path.join(root, '.cache/nats-server');
  if (fs.existsSync(cache)) {
    for (const v of fs.readdirSync(cache).sort()) {
      const bin = path.join(cache, v, 'nats-server');
      if (fs.existsSync(bin)) found.push({ label: '.cache (pnpm nats:fetch)', path: bin, ...versionOf(bin) });
    }
  }
  if (env.NATS_SERVER_BIN) {
    const bin = env.NATS_SERVER_BIN;
    found.push(fs.existsSync(bin) ? { label: 'NATS_SERVER_BIN', path: bin, ...versionOf(bin) } : { label: 'NATS_SERVER_BIN', path: bin, problem: 'no such file' });
  }
  return { found, privateUses: natsServerBinary() };
}

export function otherBinaries(): Record<'redis-server' | 'postgres', BinaryProbe | undefined> {
  const redis = redisServerBinary();
  const pgDir = postgresBinDir();
  return {
    'redis-server': redis ? { label: 'redis-server', path: redis, ...versionOf(redis) } : undefined,
    postgres: pgDir ? { label: 'postgres', path: `${pgDir}/postgres`, ...versionOf(`${pgDir}/postgres`) } : undefined,
  };
}
