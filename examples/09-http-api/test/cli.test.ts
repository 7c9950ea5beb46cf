// The two command-line programs: every bad flag or value is a UsageError (runMain turns it into the
// usage text and exit code 2), and the consumer CLI, spawned as a learner runs it, consumes what the
// HTTP API publishes and exits 0 after a graceful stop on SIGTERM.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { programArgv } from '@mq/shared/services';
import type { NatsFixture } from '@mq/shared/testing';
import { UsageError, waitFor } from '@mq/shared';
import { parseConsumerArgs, parseServerArgs } from '../src/cli-args';
import { consumerNats } from '../src/consumer-nats';
import type { RunningService } from '../src/service';
import { serviceFixture, type ServiceFixture } from './fixture';
import { http } from './http';

const pkgDir = path.resolve(import.meta.dirname, '..');

interface Run {
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  kill: (signal: NodeJS.Signals) => void;
  /** SIGKILL it if it is still running (for finally blocks: a failed test must not leave it behind). */
  killIfRunning: () => void;
}

function run(script: string, args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [...programArgv(script, pkgDir), ...args], { cwd: pkgDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return {
    stdout: () => out,
    stderr: () => err,
    exited: new Promise((r) => child.once('exit', (code) => r(code))),
    kill: (s) => child.kill(s),
    killIfRunning: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

let s: ServiceFixture;
let f: NatsFixture;
let svc: RunningService;
beforeAll(async () => {
  s = await serviceFixture();
  ({ f, svc } = s);
});
afterAll(() => s?.dispose());

describe('flags', () => {
  it.each([
    [['--bogus'], {}, /Unknown option '--bogus'[\s\S]*usage:/],
    [['--group', 'order.processor'], {}, /--group "order.processor" is invalid: it contains "\."/],
    [['--id', 'one'], {}, /--id must be an integer between 1 and 1000000, got "one"/],
    [[], { FAIL_RATE: '2' }, /FAIL_RATE must be a number from 0 to 1, got "2"/],
    [[], { FAIL_RATE: 'half' }, /FAIL_RATE must be a number from 0 to 1/],
  ])('consumer %j %j -> usage error', (argv, env, message) => {
    expect(() => parseConsumerArgs(argv, env)).toThrow(UsageError);
    expect(() => parseConsumerArgs(argv, env)).toThrow(message);
  });

  it.each([
    [['--port', 'http'], {}, /--port must be an integer between 0 and 65535, got "http"/],
    [[], { PORT: '70000' }, /--port must be an integer between 0 and 65535, got "70000"/],
    [['--stream', 'ORD ERS'], {}, /--stream "ORD ERS" is invalid: it contains whitespace/],
    [['--subjects', 'order.*,,x'], {}, /--subjects must be a comma-separated list/],
    [['--host', 'a b'], {}, /--host must be a host name or IP address/],
  ])('server %j %j -> usage error', (argv, env, message) => {
    expect(() => parseServerArgs(argv, env)).toThrow(UsageError);
    expect(() => parseServerArgs(argv, env)).toThrow(message);
  });

  it("defaults: loopback, port 8080, lesson 09's L09_ORDERS capturing l09.order.*; group order-processor #1 without failures", () => {
    expect(parseServerArgs([], {})).toEqual({ host: '127.0.0.1', port: 8080, stream: 'L09_ORDERS', subjects: ['l09.order.*'] });
    expect(parseServerArgs(['--port', '9090'], { HOST: '0.0.0.0', PORT: '1' })).toMatchObject({ host: '0.0.0.0', port: 9090 });
    expect(parseServerArgs(['--subjects', 'order.*,payment.*'], {}).subjects).toEqual(['order.*', 'payment.*']);
    expect(parseConsumerArgs([], {})).toEqual({ group: 'order-processor', id: 1, stream: 'L09_ORDERS', failRate: 0, realTimings: false });
    expect(parseConsumerArgs(['--id', '2', '--real-timings'], { FAIL_RATE: '0.5' })).toMatchObject({ id: 2, failRate: 0.5, realTimings: true });
  });
});

describe('where a consumer finds NATS (the workshop needs one server shared by every terminal)', () => {
  it('NATS_URL is used as given', async () => {
    const r = await consumerNats({ NATS_URL: f.url });
    expect(r).toMatchObject({ source: 'env', url: f.url });
    await r.close();
  });

  it('with no NATS_URL and nothing on the default port: one sentence with the fix, and no private server', async () => {
    const dead = 'nats://127.0.0.1:1'; // nothing listens on port 1 (a freePort() could be taken by a parallel test)
    // Resolving at all would mean it found or started some server; it must refuse instead.
    const err = await consumerNats({}, dead).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err?.message).toMatch(new RegExp(`^No NATS server answers at ${dead}\\b`));
    expect(err?.message).toContain('docker compose up -d nats');
    expect(err?.message).toMatch(/; a consumer never starts a private nats-server, because the API server and every consumer must share one\.$/);
    expect(err?.message.split('\n')).toHaveLength(1);
  });
});

it('the consumer CLI, run as a learner runs it, consumes what the API publishes until SIGTERM', async () => {
  const consumer = run('src/cli/consume.ts', ['--stream', 'ORDERS', '--group', 'order-processor', '--id', '1'], { NATS_URL: f.url, FAIL_RATE: '0' });
  try {
    await waitFor(() => consumer.stdout().includes('Ctrl-C to stop'), { timeoutMs: 10_000, what: 'the consumer CLI to start' });
    for (const id of ['ORD-1', 'ORD-2', 'ORD-3']) {
      expect((await http(svc.url, 'POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: id } })).status, id).toBe(201);
    }
    await waitFor(() => (consumer.stdout().match(/-> ack/g) ?? []).length === 3, { timeoutMs: 5_000, what: 'three acks in the consumer log' });
    consumer.kill('SIGTERM');
    expect(await consumer.exited).toBe(0);
  } finally {
    consumer.killIfRunning();
  }
  expect(consumer.stderr()).toBe('');
  expect(consumer.stdout()).toMatch(/from NATS_URL/);
  expect(consumer.stdout()).toMatch(/seq 1 order\.created ORD-1 \(delivery 1\/4\): processed -> ack/);
  expect(consumer.stdout()).toMatch(/order-processor#1 done: 3 acked, 0 nak'd \(retried later\), 0 given up/);
  expect((await http(svc.url, 'GET', '/api/v1/streams/ORDERS')).body).toMatchObject({ messages: 0, last_seq: 3, consumer_count: 1 });
});

it('a second serve on a port in use says so in one sentence naming the port and --port, and exits 1', async () => {
  const second = run('src/cli/serve.ts', ['--stream', 'ORDERS', '--subjects', 'order.*', '--port', String(svc.port)], { NATS_URL: f.url });
  try {
    expect(await second.exited).toBe(1);
  } finally {
    second.killIfRunning();
  }
  const why = `port ${svc.port} on 127.0.0.1 is already in use (another 09 serve still running?): stop that one, or pick another port with --port ${svc.port + 1}`;
  expect(second.stderr().trim()).toBe(`✘ ${why}`);
  expect(second.stderr()).not.toMatch(/EADDRINUSE|\n\s+at /);
});
