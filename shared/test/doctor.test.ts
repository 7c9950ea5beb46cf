// pnpm doctor against servers we control: a JetStream server, one without JetStream, a private Redis,
// and dead URLs for PostgreSQL and RabbitMQ. It must report each one as it is, decide each lesson
// with the lessons' own resolution (env URL used as given), and name the fix, in under 3 s.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, natsServerBinary, programArgv, startProcess, stopProcess, type StartedProcess } from '@mq/shared/services';
import { privateNats, privateRedis, type NatsFixture } from '@mq/shared/testing';
import { LESSON_NEEDS } from '../../tools/doctor/needs';

const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const DEAD_PG = 'postgres://postgres@127.0.0.1:1/postgres';

let js: NatsFixture;
let redis: Awaited<ReturnType<typeof privateRedis>>;
let plain: { url: string; proc: StartedProcess };

beforeAll(async () => {
  const port = await freePort();
  const start = async () => ({ url: `nats://127.0.0.1:${port}`, proc: await startProcess(natsServerBinary()!, ['-a', '127.0.0.1', '-p', String(port)], /Server is ready/) });
  [js, redis, plain] = await Promise.all([privateNats(), privateRedis(), start()]);
}, 30_000);

afterAll(async () => {
  await Promise.allSettled([js?.dispose(), redis?.dispose(), stopProcess(plain?.proc)]);
});

async function doctor(env: Record<string, string>) {
  const t0 = performance.now();
  const r = await run(process.execPath, programArgv('tools/doctor.ts', root), {
    cwd: root,
    env: { ...process.env, DATABASE_URL: DEAD_PG, AMQP_URL: 'amqp://127.0.0.1:1', ...env },
    timeout: 15_000,
  });
  const line = (lesson: string) => r.stdout.split('\n').find((l) => l.trim().startsWith(`${lesson} `)) ?? `(no line for ${lesson})`;
  return { out: r.stdout, line, wallMs: performance.now() - t0 };
}

describe('pnpm run doctor', () => {
  it('knows what every lesson needs', () => {
    const lessons = fs.readdirSync(path.join(root, 'examples')).filter((d) => /^\d\d-/.test(d));
    expect(lessons.filter((l) => !LESSON_NEEDS[l]), 'lessons missing from tools/doctor/needs.ts').toEqual([]);
  });

  it('reports versions and JetStream, and what each lesson will use, from the env URLs', async () => {
    const { out, line } = await doctor({ NATS_URL: js.url, REDIS_URL: redis.url });
    expect(out).toMatch(new RegExp(`NATS +${js.url} \\(NATS_URL\\) +nats-server \\d+\\.\\d+\\.\\d+, JetStream on\\n`));
    expect(out).toMatch(new RegExp(`Redis +${redis.url} \\(REDIS_URL\\) +Redis \\d+\\.\\d+\\.\\d+\\n`));
    expect(out).toMatch(new RegExp(`PostgreSQL +${DEAD_PG} \\(DATABASE_URL\\) +not reachable\\n`));
    expect(out).toMatch(/RabbitMQ +amqp:\/\/127\.0\.0\.1:1 \(AMQP_URL\) +not reachable\n/);
    expect(line('00-sync')).toMatch(/nothing +runs +in-process fakes only$/);
    expect(line('03-jetstream')).toMatch(new RegExp(`runs +NATS ${js.url} \\(from NATS_URL\\)$`));
    expect(line('02-redis-list')).toMatch(new RegExp(`runs +Redis ${redis.url} \\(from REDIS_URL\\); private redis-server \\d`));
    expect(line('01-db-queue')).toContain(`cannot run  fix: PostgreSQL is not reachable at ${DEAD_PG} (from DATABASE_URL)`);
    expect(line('11-bench')).toContain('no RabbitMQ (its part is skipped)');
  });

  it('says JetStream is off, which lessons cannot run, and a NATS_SERVER_BIN that points nowhere, in under 3 s', async () => {
    const { out, line, wallMs } = await doctor({ NATS_URL: plain.url, REDIS_URL: redis.url, NATS_SERVER_BIN: '/nonexistent/nats-server' });
    expect(out).toMatch(new RegExp(`NATS +${plain.url} \\(NATS_URL\\) +nats-server \\S+, JetStream off: JetStream is off \\(run nats-server with -js\\)`));
    expect(out).toMatch(/NATS_SERVER_BIN +\/nonexistent\/nats-server +no such file/);
    expect(line('04-queue-groups')).toContain('cannot run  fix:');
    expect(line('04-queue-groups')).toContain('JetStream is not enabled there (run nats-server with -js)');
    expect(line('10-cluster')).toContain('cannot run  fix: nats-server at /nonexistent/nats-server no such file');
    const checked = Number(/checked in (\d+) ms/.exec(out)?.[1]);
    expect(checked, 'doctor probes took too long').toBeLessThan(3_000);
    expect(wallMs, 'doctor with node start-up').toBeLessThan(3_000);
  });
});
