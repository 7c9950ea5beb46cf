// The workshop, with real processes: two `worker` processes in one group (FAIL_RATE=0.5) and a
// `publish` process share 10 orders; failed emails are nak'd, retried after the delay, then succeed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrder, waitFor, withTimeout } from '@mq/shared';
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { failDraw } from '../src/handler';
import { runScript, spawnScript, type ScriptProcess } from '../src/spawn-script';
import { todDiff, type WorkerLine } from '../src/worker-line';

const ORDERS = Array.from({ length: 10 }, (_, i) => makeOrder(i + 1).id);
const NAK_DELAY_MS = 100;
let fx: NatsFixture;
const workers: ScriptProcess[] = [];
afterAll(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  await fx?.dispose();
});

describe('two worker processes and the publisher', () => {
  let lines: WorkerLine[];
  let exits: { code: number | null; signal: NodeJS.Signals | null }[];
  let publishOut: { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    fx = await privateNats();
    for (const id of ['1', '2']) {
      const args = ['--url', fx.url, '--group', 'order-processor', '--id', id, '--work-ms', '20', '--nak-delay-ms', String(NAK_DELAY_MS)];
      workers.push(spawnScript('worker', args, { env: { FAIL_RATE: '0.5' } }));
    }
    await withTimeout(Promise.all(workers.map((w) => w.ready)), 20_000, 'two worker processes getting ready');
    publishOut = await runScript('publish', ['--url', fx.url, '--count', '10'], { timeoutMs: 15_000 }); // killed if it hangs
    const acked = () => new Set(workers.flatMap((w) => w.lines.filter((l) => l.outcome === 'ack').map((l) => l.orderId)));
    await waitFor(() => acked().size === ORDERS.length, { timeoutMs: 20_000, what: 'all 10 orders acked by the workers' });
    for (const w of workers) w.child.kill('SIGTERM');
    exits = await Promise.all(workers.map((w) => w.exited));
    lines = workers.flatMap((w) => w.lines);
  });

  it("published 10 orders to lesson 04's ORDERS (L04_ORDERS) on l04.order.created", () => {
    expect(publishOut.code).toBe(0);
    expect(publishOut.stdout.match(/published ORD-\d{4} on l04\.order\.created -> L04_ORDERS seq \d+/g)).toHaveLength(10);
    expect(publishOut.stdout).toContain('the workers of the one group on l04.order.created share them (L04_ORDERS is a work-queue stream: one group per subject)');
  });

  it('acked every order exactly once, and both workers took part', () => {
    const acks = lines.filter((l) => l.outcome === 'ack').map((l) => l.orderId).sort();
    expect(acks).toEqual(ORDERS);
    // Took part = acked at least one order (a worker whose every delivery failed would only nak).
    workers.forEach((w, i) => expect(w.lines.filter((l) => l.outcome === 'ack').length, `acks of worker ${i + 1}`).toBeGreaterThanOrEqual(1));
  });

  it('nak-ed each failed email, retried it with the next delivery count after the delay, until it succeeded', () => {
    let retried = 0;
    for (const id of ORDERS) {
      const mine = lines.filter((l) => l.orderId === id).sort((a, b) => a.deliveryCount - b.deliveryCount);
      // Which deliveries fail is fixed per (order, delivery), so the whole history is predictable.
      let expected = 1;
      while (failDraw(id, expected) < 0.5) expected++;
      expect(mine.map((l) => l.deliveryCount), id).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
      expect(mine.map((l) => l.outcome), id).toEqual([...Array(expected - 1).fill('nak'), 'ack']);
      for (let i = 1; i < mine.length; i++) {
        expect(mine[i - 1].note).toBe(`email failed; nak, retry in ${NAK_DELAY_MS} ms`);
        expect(todDiff(mine[i].todMs, mine[i - 1].todMs), `${id} retry gap`).toBeGreaterThanOrEqual(NAK_DELAY_MS);
        retried++;
      }
    }
    // FAIL_RATE=0.5 fails ORD-0001, -0006 and -0009 at least once; the draws fix how many retries in all.
    const predicted = ORDERS.reduce((sum, id) => {
      let d = 1;
      while (failDraw(id, d) < 0.5) d++;
      return sum + d - 1;
    }, 0);
    expect(retried, 'retries seen').toBe(predicted);
    expect(predicted, 'retries the draws predict').toBeGreaterThanOrEqual(3);
  });

  it('stopped gracefully on SIGTERM with counts matching the lines it printed', () => {
    exits.forEach((e, i) => {
      expect(e, `worker ${i + 1}`).toEqual({ code: 0, signal: null });
      const w = workers[i];
      const acked = w.lines.filter((l) => l.outcome === 'ack').length;
      const naked = w.lines.filter((l) => l.outcome === 'nak').length;
      expect(w.stdout()).toContain(`worker ${i + 1} stopped: ${acked} acked, ${naked} nak'd, 0 terminated`);
    });
  });
});
