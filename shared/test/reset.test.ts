// `pnpm reset` removes exactly what lesson and exercise scopes made (L03_ORDERS, l02:..., l01_...) and
// nothing else; the unscoped names of older lesson versions only with --legacy. Run against private
// servers passed in by URL, each holding scoped names, legacy names and names that are someone else's.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgPool } from '@mq/shared';
import { PrivatePostgresCluster, programArgv } from '@mq/shared/services';
import { privateNats, privateRedisFixture, type NatsFixture, type RedisFixture } from '@mq/shared/testing';
import { runReset } from '../../tools/reset/cli';

const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

const STREAMS = { scoped: ['L03_ORDERS', 'X04_ORDERS'], legacy: ['ORDERS', 'DLQ'], foreign: ['MY_ORDERS', 'L3_ORDERS'] };
const KEYS = { scoped: ['l02:queue:email', 'x05:seen'], legacy: ['task:email', 'mq-lessons:02:4242:list'], foreign: ['user:1', 'l2:x', 'L02:x', 'task:emails'] };
const DBS = { scoped: ['l01_tasks', 'x01_check'], legacy: ['mq_dbqueue_abc'], foreign: ['shop', 'l1_tasks'] };

let nats: NatsFixture;
let redis: RedisFixture;
let pg: PrivatePostgresCluster;

async function state() {
  const streams: string[] = [];
  for await (const s of nats.nats.jsm.streams.list()) streams.push(s.config.name);
  const pool = pgPool(pg.url, { max: 1 });
  const dbs = (await pool.query<{ datname: string }>('SELECT datname FROM pg_database WHERE NOT datistemplate')).rows.map((r) => r.datname);
  await pool.end();
  return { streams: streams.sort(), keys: (await redis.redis.keys('*')).sort(), dbs: dbs.filter((d) => d !== 'postgres').sort() };
}

const env = () => ({ ...process.env, NATS_URL: nats.url, REDIS_URL: redis.url, DATABASE_URL: pg.url, MQ_LEARNER: '' });

/** The command in-process (tools/reset/cli.ts); one test also runs the real program. */
async function reset(...args: string[]) {
  const lines: string[] = [];
  const code = await runReset(args, env(), (l) => lines.push(l));
  expect(code, `pnpm reset ${args.join(' ')} exit code`).toBe(0);
  return `${lines.join('\n')}\n`;
}

async function resetProgram(...args: string[]) {
  const r = await run(process.execPath, [...programArgv('tools/reset.ts', root), ...args], { cwd: root, env: env(), timeout: 20_000 });
  return r.stdout;
}

const sorted = (...lists: string[][]) => lists.flat().sort();

/** Make sure every name exists (each test starts from the full set, whatever ran before it). */
async function seed() {
  for (const name of [...STREAMS.scoped, ...STREAMS.legacy, ...STREAMS.foreign]) {
    if (await nats.nats.jsm.streams.info(name).then(() => true, () => false)) continue;
    await nats.nats.jsm.streams.add({ name, subjects: [`${name.toLowerCase()}.>`] });
    await nats.nats.jsm.consumers.add(name, { durable_name: 'email-worker' });
    await nats.nats.js.publish(`${name.toLowerCase()}.email`, 'x');
  }
  for (const key of [...KEYS.scoped, ...KEYS.legacy, ...KEYS.foreign]) await redis.redis.set(key, '1');
  const pool = pgPool(pg.url, { max: 1 });
  const have = new Set((await pool.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((r) => r.datname));
  for (const db of [...DBS.scoped, ...DBS.legacy, ...DBS.foreign]) if (!have.has(db)) await pool.query(`CREATE DATABASE ${db}`);
  await pool.end();
}

beforeAll(async () => {
  [nats, redis, pg] = await Promise.all([privateNats(), privateRedisFixture(), PrivatePostgresCluster.start()]);
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([nats?.dispose(), redis?.dispose(), pg?.dispose()]);
});

describe('pnpm reset', () => {
  it('--dry-run lists the scoped names with their consumers and removes nothing', async () => {
    await seed();
    const before = await state();
    const out = await resetProgram('--dry-run');
    for (const s of STREAMS.scoped) expect(out).toContain(`would remove stream ${s} (1 message(s); consumers: email-worker)`);
    for (const k of KEYS.scoped) expect(out).toContain(`would remove key ${k}\n`);
    for (const d of DBS.scoped) expect(out).toContain(`would remove database ${d}\n`);
    for (const n of [...STREAMS.legacy, ...STREAMS.foreign, ...KEYS.legacy, ...KEYS.foreign, ...DBS.legacy, ...DBS.foreign]) {
      expect(out, `${n} is not scoped and needs --legacy`).not.toMatch(new RegExp(` ${n.replace(/[.*]/g, '\\$&')}( |\\n)`));
    }
    expect(out).toContain('Dry run: nothing was removed.');
    expect(await state(), 'a dry run changed something').toEqual(before);
  });

  it('--legacy --dry-run lists the legacy names too, with a warning, and removes nothing', async () => {
    await seed();
    const before = await state();
    const out = await reset('--legacy', '--dry-run');
    for (const n of STREAMS.legacy) expect(out).toContain(`would remove stream ${n} (1 message(s); consumers: email-worker)  [legacy, unscoped]`);
    for (const n of [...KEYS.legacy]) expect(out).toContain(`would remove key ${n}  [legacy, unscoped]`);
    for (const n of DBS.legacy) expect(out).toContain(`would remove database ${n}  [legacy, unscoped]`);
    expect(out).toContain('Warning: the 5 [legacy] name(s) above are not scoped to a lesson');
    expect(await state()).toEqual(before);
  });

  it('removes every scoped name and leaves the rest untouched; --legacy then removes the legacy names only', async () => {
    await seed();
    const out = await reset();
    expect(out).toContain('removed stream L03_ORDERS');
    expect(await state()).toEqual({
      streams: sorted(STREAMS.legacy, STREAMS.foreign),
      keys: sorted(KEYS.legacy, KEYS.foreign),
      dbs: sorted(DBS.legacy, DBS.foreign),
    });
    await reset('--legacy');
    expect(await state(), 'what is left must be exactly the names nobody scoped').toEqual({
      streams: sorted(STREAMS.foreign),
      keys: sorted(KEYS.foreign),
      dbs: sorted(DBS.foreign),
    });
    expect(await reset()).toContain('NATS at nats://127.0.0.1');
  });
});
