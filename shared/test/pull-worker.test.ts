// Integration tests of the shared pull worker against a private nats-server:
// handler results decide ack / nak / term (a nak's delay is honoured), a throwing handler is nak'd
// and the loop lives on, fetch errors back off exponentially and start afresh after a success,
// a reconnect cuts any backoff short, stop() drains the batch in hand, and the throughput mode
// (background refill, plain or pipelined acks) keeps every one of those promises.
import { describe, expect, it } from 'vitest';
import { jetstream, type JsMsg } from '@nats-io/jetstream';
import { ensureDurable, ensureStream, InflightWindow, ordersStreamConfig, publishJson, PullWorker, versionAtLeast, waitFor, type WorkerEvent } from '../src/index';
import { privateNats, privateNatsForFile } from '../src/testing';

const fx = privateNatsForFile();

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

  it('terms with the reason where the server keeps it (2.11+), and a plain term on 2.9, which would ignore the reasoned one', async () => {
    await ensureStream(fx.nats.jsm, ordersStreamConfig({ name: 'REASONS', subjects: ['reasons.*'] }));
    await ensureDurable(fx.nats.jsm, 'REASONS', 'r', { ackWaitMs: 300 });
    const subject = 'reasons.task';
    const advisories: { reason?: string; stream_seq?: number }[] = [];
    const sub = fx.nats.nc.subscribe('$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.REASONS.r', {
      callback: (_err, m) => {
        advisories.push(m.json());
      },
    });
    await publishJson(fx.nats.js, subject, { poison: true });
    const deliveries: number[] = [];
    const worker = new PullWorker({
      js: fx.nats.js,
      stream: 'REASONS',
      consumer: 'r',
      handler: (msg: JsMsg) => {
        deliveries.push(msg.info.deliveryCount);
        return { term: true, reason: 'malformed payload' };
      },
    }).start();
    await waitFor(() => worker.stats.termed === 1, { what: 'the term' });
    // An observation window of three AckWaits: a term the server ignored would come back in it.
    await new Promise((r) => setTimeout(r, 900));
    await worker.stop();
    sub.unsubscribe();
    expect(deliveries, 'deliveries of the termed message (a second one means the server ignored the term)').toEqual([1]);
    const version = fx.nats.nc.info?.version ?? '?';
    if (versionAtLeast(version, '2.11')) {
      expect(advisories.map((a) => a.reason), `MSG_TERMINATED advisories on nats-server ${version}`).toEqual(['malformed payload']);
    } else {
      console.log(`nats-server ${version}: a term carries no reason before 2.11; the worker sent a plain term (advisories: ${advisories.length})`);
    }
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

  it('redelivers a nak no earlier than the delay it asked for', async () => {
    const subject = await freshStream('NAKDELAY');
    await publishJson(fx.nats.js, subject, { n: 1 });
    const NAK_DELAY_MS = 400;
    let nakedAt = 0; // the handler returns after this instant, so the server's timer starts later: a lower bound
    let redeliveredAt = 0;
    const worker = new PullWorker({
      js: fx.nats.js,
      stream: 'NAKDELAY',
      consumer: 'w',
      handler: (msg) => {
        if (msg.info.deliveryCount === 1) {
          nakedAt = performance.now();
          return { nak: true, delayMs: NAK_DELAY_MS };
        }
        redeliveredAt = performance.now();
      },
    }).start();
    await waitFor(() => worker.stats.acked === 1, { what: 'the nak\'d message to come back and be acked' });
    await worker.stop();
    expect(redeliveredAt - nakedAt, 'ms between the nak and the redelivery').toBeGreaterThanOrEqual(NAK_DELAY_MS);
  });

  it('starts the backoff afresh after a successful fetch', async () => {
    await ensureStream(fx.nats.jsm, ordersStreamConfig({ name: 'RESET', subjects: ['reset.*'] }));
    const events: WorkerEvent[] = [];
    let handled = 0;
    const worker = new PullWorker({
      js: fx.nats.js,
      stream: 'RESET',
      consumer: 'w',
      backoff: { initialMs: 40, maxMs: 10_000 },
      onEvent: (e) => events.push(e),
      handler: () => {
        handled += 1;
      },
    }).start();
    const retries = () => events.flatMap((e) => (e.type === 'fetch-error' ? [e.retryInMs] : []));
    await waitFor(() => retries().length >= 3, { what: 'three fetch errors before the consumer exists' });
    await ensureDurable(fx.nats.jsm, 'RESET', 'w');
    await publishJson(fx.nats.js, 'reset.task', { n: 1 });
    await waitFor(() => handled === 1, { what: 'a successful fetch' });
    await fx.nats.jsm.consumers.delete('RESET', 'w');
    const success = () => events.findIndex((e) => e.type === 'ack');
    await waitFor(() => success() >= 0 && events.slice(success()).some((e) => e.type === 'fetch-error'), { what: 'the first fetch error after the success' });
    await worker.stop();
    // Split at the success: on a loaded machine one more error may fall on either side of a step.
    const backoffs = (from: number, to: number) => events.slice(from, to).flatMap((e) => (e.type === 'fetch-error' ? [e.retryInMs] : []));
    expect(backoffs(0, success()).slice(0, 3), 'backoff before the success').toEqual([40, 80, 160]);
    expect(backoffs(success(), events.length)[0], 'the first backoff after the success').toBe(40);
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
    expect(() => new PullWorker({ ...base, consumer: 'ok', progressEveryMs: 0 })).toThrow(/progressEveryMs must be a positive integer, got 0/);
  });
});

describe('PullWorker with a handler slower than AckWait', () => {
  // Two workers share one consumer whose AckWait is 800 ms; the one message takes 1600 ms to handle.
  async function slowOrder(stream: string, progressEveryMs?: number): Promise<{ handled: string[]; acked: number }> {
    await ensureStream(fx.nats.jsm, ordersStreamConfig({ name: stream, subjects: [`${stream.toLowerCase()}.*`] }));
    await ensureDurable(fx.nats.jsm, stream, 'w', { ackWaitMs: 800 });
    await publishJson(fx.nats.js, `${stream.toLowerCase()}.task`, { orderId: 'ORD-0001' });
    const handled: string[] = [];
    const worker = (name: string) =>
      new PullWorker({
        js: fx.nats.js,
        stream,
        consumer: 'w',
        batch: 1,
        progressEveryMs,
        handler: async (msg) => {
          handled.push(`worker ${name} got delivery ${msg.info.deliveryCount}`);
          await new Promise((r) => setTimeout(r, 1_600));
        },
      }).start();
    const workers = [worker('a'), worker('b')];
    const acked = () => workers.reduce((n, w) => n + w.stats.acked, 0);
    // Done when the first handling ends: by then a redelivery (due at 800 ms) has happened or never will.
    await waitFor(() => acked() >= 1 && handled.length >= 1, { timeoutMs: 10_000, what: 'the slow order handled' });
    await Promise.all(workers.map((w) => w.stop()));
    return { handled: handled.map((h) => h.replace(/worker [ab]/, 'a worker')), acked: acked() };
  }

  it('without progressEveryMs, the second worker gets the message at AckWait while the first still works on it', async () => {
    const r = await slowOrder('SLOW_PLAIN');
    expect(r.handled, 'deliveries of the slow order').toEqual(['a worker got delivery 1', 'a worker got delivery 2']);
  });

  it('with progressEveryMs (working() every 150 ms), only the worker that has it handles it', async () => {
    const r = await slowOrder('SLOW_PROGRESS', 150);
    expect(r.handled, 'deliveries of the slow order').toEqual(['a worker got delivery 1']);
    expect(r.acked).toBe(1);
  });

  it('stops the working() heartbeat when stop({ timeoutMs }) gives up on a hung handler, so another worker gets the message', async () => {
    await ensureStream(fx.nats.jsm, ordersStreamConfig({ name: 'SLOW_HUNG', subjects: ['slow_hung.*'] }));
    await ensureDurable(fx.nats.jsm, 'SLOW_HUNG', 'w', { ackWaitMs: 500 });
    await publishJson(fx.nats.js, 'slow_hung.task', { orderId: 'ORD-0002' });
    const got: string[] = [];
    const options = { js: fx.nats.js, stream: 'SLOW_HUNG', consumer: 'w', batch: 1, progressEveryMs: 100 };
    const hung = new PullWorker({ ...options, handler: () => new Promise<void>(() => got.push('hung worker: delivery 1')) }).start();
    await waitFor(() => got.length === 1, { what: 'the hung worker to take the order' });
    await hung.stop({ timeoutMs: 200 });
    const next = new PullWorker({ ...options, handler: (msg) => void got.push(`next worker: delivery ${msg.info.deliveryCount}`) }).start();
    await waitFor(() => next.stats.acked === 1, { timeoutMs: 5_000, what: `the order to reach the next worker (so far: ${got.join(', ')})` });
    await next.stop();
    expect(got).toEqual(['hung worker: delivery 1', 'next worker: delivery 2']);
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
  // Resumes took about 2.2 s when a backoff and a consumers.get timeout stacked up (issue 13).
  const RESUME_BOUND_MS = 1_500;

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
      await own.server.restart();
      const t0 = performance.now();
      const publisher = await own.connect('publisher'); // a fresh connection: no reconnect to wait for
      await publishJson(publisher.js, 'bounce.task', { n: 1 });
      await waitFor(() => handled.length === 1, { timeoutMs: 10_000, what: 'the message after the restart' });
      // The client retries every 250 ms (+ up to 100 ms jitter); not the 20 s backoff it was sleeping.
      expect(performance.now() - t0, 'ms from the broker being back to the message handled').toBeLessThan(RESUME_BOUND_MS);
      await worker.stop();
    } finally {
      await own.dispose();
    }
  });

  it('abandons a consumers.get sent while the broker was down instead of waiting out its timeout', async () => {
    const own = await privateNats();
    try {
      await ensureStream(own.nats.jsm, ordersStreamConfig({ name: 'BOUNCE', subjects: ['bounce.*'] }));
      await ensureDurable(own.nats.jsm, 'BOUNCE', 'w');
      const nats = await own.connect('worker');
      // A 20 s API timeout: a request lost with the old server would hold the worker that long.
      const js = jetstream(nats.nc, { timeout: 20_000 });
      let down = false;
      let getsInFlight = 0;
      void (async () => {
        for await (const s of nats.nc.status()) if (s.type === 'disconnect') down = true;
      })();
      const get = js.consumers.get.bind(js.consumers);
      js.consumers.get = (...args: Parameters<typeof get>) => {
        getsInFlight += 1;
        return get(...args).finally(() => (getsInFlight -= 1));
      };
      const handled: number[] = [];
      const worker = new PullWorker({
        js,
        nc: nats.nc,
        stream: 'BOUNCE',
        consumer: 'w',
        backoff: { initialMs: 300, maxMs: 300 },
        handler: (msg) => {
          handled.push(msg.json<{ n: number }>().n);
        },
      }).start();
      await waitFor(async () => (await own.nats.jsm.consumers.info('BOUNCE', 'w')).num_waiting === 1, { what: 'the first pull' });
      await own.server.stop();
      await waitFor(() => down && getsInFlight === 1, { timeoutMs: 15_000, what: 'a consumers.get in flight while the broker is down' });
      await own.server.restart();
      const t0 = performance.now();
      const publisher = await own.connect('publisher');
      await publishJson(publisher.js, 'bounce.task', { n: 1 });
      await waitFor(() => handled.length === 1, { timeoutMs: 25_000, what: 'the message after the restart' });
      expect(performance.now() - t0, 'ms from the broker being back to the message handled').toBeLessThan(RESUME_BOUND_MS);
      await worker.stop();
    } finally {
      await own.dispose();
    }
  });
});

describe('PullWorker throughput mode', () => {
  it('refills in the background and stop() waits for every pipelined ack', async () => {
    const subject = await freshStream('FAST');
    const N = 300;
    await Promise.all(Array.from({ length: N }, (_, i) => publishJson(fx.nats.js, subject, { i })));
    const handled: number[] = [];
    let stopped: Promise<number> | undefined; // resolves with the acks confirmed at the instant stop() resolved
    const worker: PullWorker = new PullWorker({
      js: fx.nats.js,
      stream: 'FAST',
      consumer: 'w',
      refill: 'consume',
      batch: 64,
      confirmAcks: 'pipelined',
      ackWindow: 32,
      handler: (msg) => {
        handled.push(msg.json<{ i: number }>().i);
        // Stop while the last message is in hand: its ack (and others) are still to be confirmed.
        if (handled.length === N) stopped = worker.stop().then(() => worker.stats.acked);
      },
    }).start();
    await waitFor(() => stopped !== undefined, { what: `all ${N} messages handled` });
    expect(await stopped, 'acks confirmed by the time stop() resolved').toBe(N);
    expect(handled.filter((i, k) => i !== k), 'messages handled out of publish order').toEqual([]);
    expect((await fx.nats.jsm.streams.info('FAST')).state.messages, 'messages left in the work-queue stream').toBe(0);
  });

  it('acks plainly with confirmAcks false, and the work-queue stream empties', async () => {
    const subject = await freshStream('PLAIN');
    for (let i = 0; i < 20; i++) await publishJson(fx.nats.js, subject, { i });
    const worker = new PullWorker({ js: fx.nats.js, stream: 'PLAIN', consumer: 'w', refill: 'consume', confirmAcks: false, handler: () => {} });
    worker.start();
    await waitFor(async () => (await fx.nats.jsm.streams.info('PLAIN')).state.messages === 0, { what: 'the stream to empty' });
    await worker.stop();
    expect(worker.stats).toEqual({ acked: 20, naked: 0, termed: 0, left: 0, ackErrors: 0, fetchErrors: 0 });
  });
});

describe('InflightWindow (the pipelined-ack window)', () => {
  it('lets the caller run ahead until the window is full, then waits until half of it has settled', async () => {
    const window = new InflightWindow(4);
    const ops = Array.from({ length: 4 }, () => {
      const op = {} as { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void };
      op.promise = new Promise<void>((resolve, reject) => Object.assign(op, { resolve, reject }));
      return op;
    });
    const waits = ops.map((op) => window.add(op.promise));
    expect(waits.slice(0, 3), 'adds below the window size return nothing to await').toEqual([undefined, undefined, undefined]);
    let resumed = false;
    void waits[3]!.then(() => (resumed = true));
    ops[0].resolve();
    await ops[0].promise;
    await Promise.resolve();
    expect({ resumed, pending: window.pending }, 'after one of four settled').toEqual({ resumed: false, pending: 3 });
    ops[1].resolve();
    await waits[3];
    expect(window.pending, 'in flight when the full window let the caller go on').toBe(2);
    ops[2].reject(new Error('ack 3 timed out'));
    ops[3].resolve();
    await expect(window.drain()).rejects.toThrow('ack 3 timed out');
    expect(window.pending).toBe(0);
  });
});
