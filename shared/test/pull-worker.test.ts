// Integration tests of the shared pull worker against a private nats-server:
// handler results decide ack / nak / term, a throwing handler is nak'd and the loop lives on,
// fetch errors back off exponentially, and stop() drains the batch in hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsMsg } from '@nats-io/jetstream';
import { ensureDurable, ensureStream, ordersStreamConfig, publishJson, PullWorker, waitFor, type WorkerEvent } from '../src/index';
import { privateNats, type NatsFixture } from '../src/testing';

let fx: NatsFixture;
beforeAll(async () => {
  fx = await privateNats();
});
afterAll(() => fx?.dispose());

async function freshStream(name: string) {
  await ensureStream(fx.nats.jsm, ordersStreamConfig({ name, subjects: [`${name.toLowerCase()}.*`] }));
  await ensureDurable(fx.nats.jsm, name, 'w', { ackWaitMs: 2_000 });
  return `${name.toLowerCase()}.task`;
}

describe('PullWorker', () => {
  it('acks, naks and terms as the handler decides', async () => {
    const subject = await freshStream('RESULTS');
    for (const action of ['ack', 'nak', 'term']) await publishJson(fx.nats.js, subject, { action });
    const seen: { action: string; delivery: number }[] = [];
    const events: WorkerEvent[] = [];
    const worker = new PullWorker({
      js: fx.nats.js,
      stream: 'RESULTS',
      consumer: 'w',
      onEvent: (e) => events.push(e),
      handler: (msg: JsMsg) => {
        const { action } = msg.json<{ action: string }>();
        seen.push({ action, delivery: msg.info.deliveryCount });
        if (action === 'term') return 'term';
        if (action === 'nak' && msg.info.deliveryCount === 1) return { nak: true, delayMs: 50 };
        return 'ack';
      },
    }).start();
    await waitFor(() => worker.stats.acked === 2 && worker.stats.termed === 1, { what: 'two acks and one term' });
    await worker.stop();
    expect(seen).toEqual([
      { action: 'ack', delivery: 1 },
      { action: 'nak', delivery: 1 },
      { action: 'term', delivery: 1 },
      { action: 'nak', delivery: 2 },
    ]);
    expect(worker.stats).toEqual({ acked: 2, naked: 1, termed: 1, left: 0, ackErrors: 0, fetchErrors: 0 });
    expect(events.map((e) => e.type)).toEqual(['ack', 'nak', 'term', 'ack']);
    const info = await fx.nats.jsm.streams.info('RESULTS');
    expect(info.state.messages).toBe(0); // work-queue: acked and termed messages are removed
  });

  it('catches a throwing handler, naks the message, and keeps running', async () => {
    const subject = await freshStream('THROWS');
    for (let i = 1; i <= 3; i++) await publishJson(fx.nats.js, subject, { i });
    const processed: number[] = [];
    let thrown = 0;
    const worker = new PullWorker({
      js: fx.nats.js,
      stream: 'THROWS',
      consumer: 'w',
      handler: (msg) => {
        const { i } = msg.json<{ i: number }>();
        if (i === 2 && msg.info.deliveryCount === 1) {
          thrown += 1;
          throw new Error('boom');
        }
        processed.push(i);
      },
    }).start();
    await waitFor(() => processed.length === 3, { what: 'all three processed' });
    await worker.stop();
    expect(thrown).toBe(1);
    expect(processed.sort()).toEqual([1, 2, 3]);
    expect(worker.stats.naked).toBe(1);
  });

  it('backs off exponentially on fetch errors and recovers when the consumer appears', async () => {
    await ensureStream(fx.nats.jsm, ordersStreamConfig({ name: 'LATE', subjects: ['late.*'] }));
    const events: WorkerEvent[] = [];
    let handled = 0;
    const worker = new PullWorker({
      js: fx.nats.js,
      stream: 'LATE',
      consumer: 'not-yet',
      backoff: { initialMs: 40, maxMs: 160 },
      onEvent: (e) => events.push(e),
      handler: () => {
        handled += 1;
      },
    }).start();
    const errors = () => events.filter((e) => e.type === 'fetch-error') as Extract<WorkerEvent, { type: 'fetch-error' }>[];
    await waitFor(() => errors().length >= 4, { what: 'four fetch errors' });
    expect(errors().slice(0, 4).map((e) => e.retryInMs)).toEqual([40, 80, 160, 160]);
    expect(errors()[0].error).toMatch(/consumer not found/i);
    await ensureDurable(fx.nats.jsm, 'LATE', 'not-yet');
    await publishJson(fx.nats.js, 'late.task', { ok: true });
    await waitFor(() => handled === 1, { what: 'the worker to recover and process' });
    await worker.stop();
  });

  it('stop() finishes the batch in hand before it resolves', async () => {
    const subject = await freshStream('DRAIN');
    for (let i = 0; i < 5; i++) await publishJson(fx.nats.js, subject, { i });
    let started = 0;
    let finished = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const worker = new PullWorker({
      js: fx.nats.js,
      stream: 'DRAIN',
      consumer: 'w',
      batch: 5,
      handler: async () => {
        started += 1;
        await gate;
        finished += 1;
      },
    }).start();
    await waitFor(() => started === 1, { what: 'the first message to start' });
    const stopped = worker.stop();
    release();
    await stopped;
    expect(finished).toBe(5);
    expect(worker.stats.acked).toBe(5);
    expect((await fx.nats.jsm.streams.info('DRAIN')).state.messages).toBe(0);
  });

  it('validates names and batch size with clear errors', () => {
    const base = { js: fx.nats.js, stream: 'ORDERS', handler: () => {} };
    expect(() => new PullWorker({ ...base, consumer: 'order.processor' })).toThrow(/consumer \(queue\) name "order.processor" is invalid/);
    expect(() => new PullWorker({ ...base, consumer: 'ok', batch: 0 })).toThrow(/batch must be a positive integer/);
  });
});

describe('PullWorker.stop()', () => {
  it('cuts an idle fetch short instead of waiting out its expiry', async () => {
    await freshStream('IDLE');
    const worker = new PullWorker({ js: fx.nats.js, stream: 'IDLE', consumer: 'w', fetchWaitMs: 5_000, handler: () => {} }).start();
    await waitFor(async () => (await fx.nats.jsm.consumers.info('IDLE', 'w')).num_waiting === 1, { what: 'the pull request to be waiting' });
    const t0 = performance.now();
    await worker.stop();
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('does not sit out a backoff once stopped', async () => {
    const worker = new PullWorker({ js: fx.nats.js, stream: 'IDLE', consumer: 'missing', backoff: { initialMs: 5_000, maxMs: 5_000 }, handler: () => {} }).start();
    await waitFor(() => worker.stats.fetchErrors === 1, { what: 'the first fetch error' });
    const t0 = performance.now();
    await worker.stop();
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('PullWorker leave', () => {
  it("'leave' neither acks nor naks: the server redelivers after AckWait", async () => {
    await ensureStream(fx.nats.jsm, ordersStreamConfig({ name: 'LEAVE', subjects: ['leave.*'] }));
    await ensureDurable(fx.nats.jsm, 'LEAVE', 'w', { ackWaitMs: 300 });
    await publishJson(fx.nats.js, 'leave.task', { n: 1 });
    const deliveries: { count: number; at: number }[] = [];
    // AckWait runs from when the server sends delivery 1, which is after this instant: a lower bound.
    const beforeFirstFetch = performance.now();
    const worker = new PullWorker({
      js: fx.nats.js,
      stream: 'LEAVE',
      consumer: 'w',
      handler: (msg) => {
        deliveries.push({ count: msg.info.deliveryCount, at: performance.now() });
        return msg.info.deliveryCount === 1 ? 'leave' : 'ack';
      },
    }).start();
    await waitFor(() => worker.stats.acked === 1, { what: 'the redelivery to be acked' });
    await worker.stop();
    expect(deliveries.map((d) => d.count)).toEqual([1, 2]);
    expect(deliveries[1].at - beforeFirstFetch).toBeGreaterThanOrEqual(300);
    expect(worker.stats.left).toBe(1);
  });
});

describe('PullWorker through a broker restart', () => {
  it('cuts its backoff short when the connection reconnects', async () => {
    const own = await privateNats();
    try {
      await ensureStream(own.nats.jsm, ordersStreamConfig({ name: 'BOUNCE', subjects: ['bounce.*'] }));
      await ensureDurable(own.nats.jsm, 'BOUNCE', 'w');
      const nats = await own.connect('worker');
      const handled: number[] = [];
      const worker = new PullWorker({
        js: nats.js,
        nc: nats.nc,
        stream: 'BOUNCE',
        consumer: 'w',
        backoff: { initialMs: 20_000, maxMs: 20_000 },
        handler: (msg) => {
          handled.push(msg.json<{ n: number }>().n);
        },
      }).start();
      await waitFor(async () => (await own.nats.jsm.consumers.info('BOUNCE', 'w')).num_waiting === 1, { what: 'the first pull' });
      await own.server.stop();
      await waitFor(() => worker.stats.fetchErrors >= 1, { timeoutMs: 15_000, what: 'a fetch error while the broker is down' });
      const t0 = performance.now();
      await own.server.restart();
      const publisher = await own.connect('publisher'); // a fresh connection: no reconnect to wait for
      await publishJson(publisher.js, 'bounce.task', { n: 1 });
      await waitFor(() => handled.length === 1, { timeoutMs: 10_000, what: 'the message after the restart' });
      expect(performance.now() - t0).toBeLessThan(5_000); // not the 20 s backoff it was sleeping
      await worker.stop();
    } finally {
      await own.dispose();
    }
  });
});
