// What `pnpm reset` finds and removes on the default servers: every name some lesson's or exercise's
// scope made (scopedNames() from @mq/shared: with MQ_LEARNER set, only that learner's), and, only when
// asked, the unscoped names that older versions of the lessons used.
import { connectNats, connectRedis, DEFAULTS, defaultNatsUrl, defaultPostgresUrl, defaultRedisUrl, pgPool, scopedNames } from '@mq/shared';
import { tcpReachable } from '@mq/shared/services';

type ScopedNames = ReturnType<typeof scopedNames>;

/** Names older lesson versions created on the shared servers before lessonScope existed. */
export const LEGACY = {
  streams: ['ORDERS', 'DLQ', 'ORDERS_MAX_DELIVERIES', 'ORDER_PARTITIONS', 'NAIVE', 'F_MODES', 'F_MODES_WQ',
    'QG_SHARE', 'QG_SPEED_1', 'QG_SPEED_3', 'QG_CRASH', 'QG_WORKQUEUE', 'QG_LIMITS'],
  keys: /^(mq-lessons:\d\d:|task:(email|points|push)$)/,
  databases: /^mq_dbqueue_/,
};

export type Service = 'NATS' | 'Redis' | 'PostgreSQL';

export interface Target {
  service: Service;
  what: 'stream' | 'key' | 'database';
  name: string;
  /** e.g. the stream's consumers and message count. */
  detail?: string;
  legacy: boolean;
}

export interface ServiceReport {
  service: Service;
  url: string;
  /** Why the service was skipped (not reachable, refused), if it was. */
  skipped?: string;
  targets: Target[];
}

export interface Urls { nats: string; redis: string; postgres: string; /** MQ_LEARNER: only that learner's names. */ learner?: string }

export function urlsFrom(env: NodeJS.ProcessEnv): Urls {
  return {
    nats: env[DEFAULTS.nats.envVar] || defaultNatsUrl,
    redis: env[DEFAULTS.redis.envVar] || defaultRedisUrl,
    postgres: env[DEFAULTS.postgres.envVar] || defaultPostgresUrl,
    learner: env.MQ_LEARNER || undefined,
  };
}

const TIMEOUT_MS = 2_000;

async function reachable(url: string, port: number): Promise<boolean> {
  const u = new URL(url.includes('://') ? url : `x://${url}`);
  return tcpReachable(u.hostname || '127.0.0.1', Number(u.port) || port);
}

async function natsTargets(url: string, legacy: boolean, remove: boolean, names: ScopedNames): Promise<ServiceReport> {
  const report: ServiceReport = { service: 'NATS', url, targets: [] };
  if (!(await reachable(url, DEFAULTS.nats.port))) return { ...report, skipped: 'nothing answers there' };
  const nats = await connectNats(url, { maxReconnectAttempts: 0, timeout: TIMEOUT_MS, name: 'mq-lessons-reset' });
  try {
    if (!nats.nc.info?.jetstream) return { ...report, skipped: 'JetStream is not enabled there, so no lesson stored anything' };
    for await (const si of nats.jsm.streams.list()) {
      const name = si.config.name;
      const scoped = names.stream.test(name);
      if (!scoped && !(legacy && LEGACY.streams.includes(name))) continue;
      const consumers: string[] = [];
      for await (const ci of nats.jsm.consumers.list(name)) consumers.push(ci.name);
      const detail = `${si.state.messages} message(s); consumers: ${consumers.length ? consumers.sort().join(', ') : 'none'}`;
      report.targets.push({ service: 'NATS', what: 'stream', name, detail, legacy: !scoped });
    }
    if (remove) for (const t of report.targets) await nats.jsm.streams.delete(t.name); // its consumers go with it
  } finally {
    await nats.close();
  }
  return report;
}

async function redisTargets(url: string, legacy: boolean, remove: boolean, names: ScopedNames): Promise<ServiceReport> {
  const report: ServiceReport = { service: 'Redis', url, targets: [] };
  if (!(await reachable(url, DEFAULTS.redis.port))) return { ...report, skipped: 'nothing answers there' };
  const redis = connectRedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: TIMEOUT_MS });
  try {
    await redis.connect();
    // SCAN, never KEYS: a shared Redis may hold many keys and KEYS blocks it while it walks them all.
    const patterns = ['[lx][0-9][0-9]:*', ...(legacy ? ['mq-lessons:*', 'task:*'] : [])];
    const seen = new Set<string>();
    for (const match of patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        cursor = next;
        for (const key of keys) {
          if (seen.has(key)) continue;
          const scoped = names.key.test(key);
          if (scoped || (legacy && LEGACY.keys.test(key))) {
            seen.add(key);
            report.targets.push({ service: 'Redis', what: 'key', name: key, legacy: !scoped });
          }
        }
      } while (cursor !== '0');
    }
    report.targets.sort((a, b) => a.name.localeCompare(b.name));
    const keyNames = report.targets.map((t) => t.name);
    if (remove) for (let i = 0; i < keyNames.length; i += 500) await redis.del(...keyNames.slice(i, i + 500));
  } finally {
    redis.disconnect();
  }
  return report;
}

async function postgresTargets(url: string, legacy: boolean, remove: boolean, names: ScopedNames): Promise<ServiceReport> {
  const report: ServiceReport = { service: 'PostgreSQL', url: url.replace(/\/\/([^:@/]+):[^@/]+@/, '//$1:***@'), targets: [] };
  if (!(await reachable(url, DEFAULTS.postgres.port))) return { ...report, skipped: 'nothing answers there' };
  const pool = pgPool(url, { max: 1, connectionTimeoutMillis: TIMEOUT_MS });
  try {
    const { rows } = await pool.query<{ datname: string }>('SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY datname');
    for (const { datname } of rows) {
      const scoped = names.database.test(datname);
      if (scoped || (legacy && LEGACY.databases.test(datname))) {
        report.targets.push({ service: 'PostgreSQL', what: 'database', name: datname, legacy: !scoped });
      }
    }
    // WITH (FORCE) ends a demo's connections that Ctrl-C left open (PostgreSQL 13 and later).
    if (remove) for (const t of report.targets) await pool.query(`DROP DATABASE IF EXISTS "${t.name.replace(/"/g, '""')}" WITH (FORCE)`);
  } catch (err) {
    if (report.targets.length === 0) return { ...report, skipped: `it refused us (${(err as Error).message})` };
    throw err;
  } finally {
    await pool.end();
  }
  return report;
}

/** Find (and unless dryRun, remove) what the lessons left on the three servers, all at once. */
export async function reset(urls: Urls, opts: { legacy: boolean; dryRun: boolean }): Promise<ServiceReport[]> {
  const names = scopedNames(urls.learner ?? '');
  const remove = !opts.dryRun;
  const guard = (p: Promise<ServiceReport>, service: Service, url: string) =>
    p.catch((err: Error): ServiceReport => ({ service, url, skipped: `failed: ${err.message}`, targets: [] }));
  return Promise.all([
    guard(natsTargets(urls.nats, opts.legacy, remove, names), 'NATS', urls.nats),
    guard(redisTargets(urls.redis, opts.legacy, remove, names), 'Redis', urls.redis),
    guard(postgresTargets(urls.postgres, opts.legacy, remove, names), 'PostgreSQL', urls.postgres),
  ]);
}
