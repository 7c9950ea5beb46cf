// The console's contract without a browser: reporters stay silent while no console runs and
// report every delivery while one does; the console binds to loopback, refuses writes unless
// started with allowActions, and a redrive puts a dead letter back on its subject exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_EVENTS_WILDCARD, consoleReporter, reportToConsole, ensureDurable, ensureStream, PullWorker, waitFor, type ConsoleEvent } from '@mq/shared';
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { startConsole, type RunningConsole } from '../src/server';

let f: NatsFixture;
const seen: ConsoleEvent[] = [];

beforeAll(async () => {
  f = await privateNats();
  f.nats.nc.subscribe(CONSOLE_EVENTS_WILDCARD, { callback: (_e, m) => void seen.push(m.json<ConsoleEvent>()) });
  await ensureStream(f.nats.jsm, { name: 'L12_ORDERS', subjects: ['l12.order.*'] });
  await ensureStream(f.nats.jsm, { name: 'L12_DLQ', subjects: ['l12.dlq.*'] });
});
afterAll(() => f?.dispose());

/** Publish `n` orders and let a fresh worker (its own connection, named `name`) ack them all. */
async function work(name: string, consumer: string, n: number): Promise<void> {
  await ensureDurable(f.nats.jsm, 'L12_ORDERS', consumer, { filterSubject: `l12.order.${consumer}` });
  for (let i = 0; i < n; i++) await f.nats.js.publish(`l12.order.${consumer}`, `order ${i}`);
  const conn = await f.connect(name);
  const w = new PullWorker({ js: conn.js, stream: 'L12_ORDERS', consumer, handler: () => 'ack' }).start();
  await waitFor(() => w.stats.acked === n, { what: `${name} acking ${n} orders` });
  await w.stop();
  await conn.nc.flush();
}

describe('reporters', () => {
  it('publish nothing while no console runs', async () => {
    await work('quiet-worker', 'quiet', 20);
    await f.nats.nc.flush();
    expect(seen.filter((e) => e.worker === 'quiet-worker · quiet'), 'events published without a console').toEqual([]);
  });

  it('report every delivery while a console runs, with the lesson, the worker and the sequence', async () => {
    const c = await startConsole({ natsUrl: f.url, port: 0 });
    try {
      await work('loud-worker', 'loud', 20);
      await waitFor(() => seen.filter((e) => e.worker === 'loud-worker · loud').length >= 20, { timeoutMs: 3_000, what: '20 events' });
      const mine = seen.filter((e) => e.worker === 'loud-worker · loud');
      expect(mine.map((e) => `${e.kind}#${e.seq}`), 'one ack event per order').toEqual(mine.map((_, i) => `ack#${i + 21}`));
      expect(new Set(mine.map((e) => `${e.lesson}/${e.stream}/${e.consumer}`))).toEqual(new Set(['lesson 12/L12_ORDERS/loud']));
      await waitFor(() => c.hub.received >= 20, { timeoutMs: 3_000, what: 'the console receiving them' });
    } finally {
      await c.close();
    }
  });

  it('reportToConsole (a drill\'s kill) reaches a running console, and nobody without one', async () => {
    await reportToConsole(f.url, { kind: 'kill', worker: 'worker-3', detail: 'SIGKILL pid 1' }, 'drill-without');
    const c = await startConsole({ natsUrl: f.url, port: 0 });
    try {
      await reportToConsole(f.url, { kind: 'kill', worker: 'worker-3', detail: 'SIGKILL pid 2' }, 'drill-with');
      await waitFor(() => c.hub.recent.some((e) => e.lesson === 'drill-with'), { timeoutMs: 3_000, what: 'the kill event in the console' });
      await f.nats.nc.flush();
      expect(seen.filter((e) => e.lesson.startsWith('drill-')).map((e) => `${e.lesson}: ${e.kind} ${e.detail}`)).toEqual(['drill-with: kill SIGKILL pid 2']);
    } finally {
      await c.close();
    }
  });

  it('MQ_CONSOLE=off silences a reporter even with a console running', async () => {
    const c = await startConsole({ natsUrl: f.url, port: 0 });
    const conn = await f.connect('muted');
    const before = process.env.MQ_CONSOLE;
    process.env.MQ_CONSOLE = 'off';
    try {
      const r = consoleReporter(conn.nc, 'muted-lesson');
      await conn.nc.flush();
      r.report({ kind: 'kill', worker: 'x' });
      await conn.nc.flush();
      expect(r.active, 'muted reporter active').toBe(false);
      expect(seen.filter((e) => e.lesson === 'muted-lesson')).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.MQ_CONSOLE;
      else process.env.MQ_CONSOLE = before; // other lessons' files share this worker process
      await c.close();
    }
  });
});

describe('the console server', () => {
  let ro: RunningConsole;
  let rw: RunningConsole;
  beforeAll(async () => {
    ro = await startConsole({ natsUrl: f.url, port: 0 });
    rw = await startConsole({ natsUrl: f.url, port: 0, allowActions: true });
  });
  afterAll(async () => {
    await ro?.close();
    await rw?.close();
  });
  const post = (c: RunningConsole, path: string, body: unknown) =>
    fetch(`${c.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('binds to 127.0.0.1 by default', () => {
    expect(new URL(ro.url).hostname).toBe('127.0.0.1');
  });

  it('is read-only without allowActions: redrive and reset answer 403', async () => {
    expect((await post(ro, '/api/redrive', { stream: 'L12_DLQ', seq: 1 })).status).toBe(403);
    expect((await post(ro, '/api/reset', { confirm: true })).status).toBe(403);
    expect((await f.nats.jsm.streams.info('L12_ORDERS')).config.name, 'streams still there').toBe('L12_ORDERS');
  });

  it('redrives a dead letter to its original subject once, and explains what it cannot redrive', async () => {
    const h = natsHeaders();
    h.set('Dlq-Original-Subject', 'l12.order.redrive');
    h.set('Trace-Id', 'abc');
    const dead = await f.nats.js.publish('l12.dlq.email', 'ORD-0007', { headers: h });
    const plain = await f.nats.js.publish('l12.dlq.email', 'no headers');

    expect((await post(rw, '/api/redrive', { stream: 'L12_DLQ' })).status, 'missing seq').toBe(400);
    expect((await post(rw, '/api/redrive', { stream: 'L12_DLQ', seq: 999 })).status, 'no such entry').toBe(404);
    const noHeader = await post(rw, '/api/redrive', { stream: 'L12_DLQ', seq: plain.seq });
    expect(noHeader.status, 'an entry without Dlq-Original-Subject').toBe(409);

    const ok = await post(rw, '/api/redrive', { stream: 'L12_DLQ', seq: dead.seq });
    expect(ok.status).toBe(200);
    const r = (await ok.json()) as { subject: string; stream: string; seq: number };
    expect({ subject: r.subject, stream: r.stream }).toEqual({ subject: 'l12.order.redrive', stream: 'L12_ORDERS' });
    const back = await f.nats.jsm.streams.getMessage('L12_ORDERS', { seq: r.seq });
    expect({ data: back!.string(), trace: back!.header?.get('Trace-Id'), from: back!.header?.get('Redriven-From') }).toEqual({
      data: 'ORD-0007',
      trace: 'abc',
      from: `L12_DLQ/${dead.seq}`,
    });
    expect((await post(rw, '/api/redrive', { stream: 'L12_DLQ', seq: dead.seq })).status, 'the same entry twice').toBe(404);
    expect((await f.nats.jsm.streams.info('L12_DLQ')).state.messages, 'left in the DLQ: the one without headers').toBe(1);
  });

  it('refuses with 409, and keeps the entry, when no stream stores the original subject any more (07 after its demo)', async () => {
    const h = natsHeaders();
    h.set('Dlq-Original-Subject', 'l12.gone.email'); // L12_ORDERS captures l12.order.*: nothing stores this
    const dead = await f.nats.js.publish('l12.dlq.email', 'ORD-0008', { headers: h });
    const res = await post(rw, '/api/redrive', { stream: 'L12_DLQ', seq: dead.seq });
    const body = (await res.json()) as { error?: string };
    expect({ status: res.status, error: body.error }).toEqual({
      status: 409,
      error: `no stream stores l12.gone.email (is its stream gone?): L12_DLQ #${dead.seq} stays in the DLQ`,
    });
    expect((await f.nats.jsm.streams.getMessage('L12_DLQ', { seq: dead.seq }))?.string(), 'the dead letter kept').toBe('ORD-0008');
  });

  it('reset needs {"confirm": true}, then removes every scoped stream', async () => {
    expect((await post(rw, '/api/reset', {})).status).toBe(400);
    const res = await post(rw, '/api/reset', { confirm: true });
    expect(((await res.json()) as { streams: string[] }).streams.sort()).toEqual(['L12_DLQ', 'L12_ORDERS']);
    const left: string[] = [];
    for await (const n of f.nats.jsm.streams.names()) left.push(n);
    expect(left).toEqual([]);
  });
});
