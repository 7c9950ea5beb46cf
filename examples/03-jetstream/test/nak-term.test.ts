// Failures the worker reports itself: nak with a delay is redelivered no earlier than the delay,
// and after the story's limit (NumDelivered > 3) the worker terms the message: delivered exactly
// 4 times, then gone from the stream and never delivered again.
import { createShop, makeOrder, delay, waitFor } from '@mq/shared';
import type { NatsFixture } from '@mq/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersServer } from './fixture';
import { DeliveryLog } from '../src/delivery-log';
import { placeOrder } from '../src/publisher';
import { STREAM, TASK_WORKERS, isStored } from '../src/setup';
import { startTaskWorker, stopAll } from '../src/task-workers';
import type { TaskWorker } from '../src/worker';

const ACK_WAIT_MS = 300;
const NAK_DELAY_MS = 250;
let f: NatsFixture;
let worker: TaskWorker | undefined;
const shop = createShop({ ordersDb: 1, inventory: 1, email: 2 });
const log = new DeliveryLog();

beforeAll(async () => {
  f = await ordersServer({ ackWaitMs: ACK_WAIT_MS });
  worker = startTaskWorker(f.nats.js, shop, 'send_email', { nakDelayMs: NAK_DELAY_MS, log, batch: 1 });
});
afterAll(async () => {
  await stopAll(worker ? [worker] : []);
  await f?.dispose();
});

const emailSeqOf = async (n: number) => (await placeOrder({ js: f.nats.js, shop }, makeOrder(n))).published.find((p) => p.type === 'send_email')!.seq;

describe('03-jetstream: nak with delay, and term after the last try', () => {
  it('redelivers a nak with delay no earlier than the delay, then acks it', async () => {
    // The SMTP server fails the first attempt only.
    const coins = [0, 0.99];
    shop.email.fault = { kind: 'flaky', rate: 0.5, random: () => coins.shift() ?? 0.99 };
    const seq = await emailSeqOf(1);

    const acked = await waitFor(() => log.forSeq(seq).find((d) => d.outcome === 'ack'), { timeoutMs: NAK_DELAY_MS + 3_000, what: 'the retry to be acked' });
    const [first] = log.forSeq(seq);
    expect(log.forSeq(seq).map((d) => [d.deliveryCount, d.outcome])).toEqual([
      [1, 'nak'],
      [2, 'ack'],
    ]);
    // The nak leaves right after the worker decided, so the server's delay starts later still.
    expect(acked.atMs - first.decidedAtMs!).toBeGreaterThanOrEqual(NAK_DELAY_MS - 2);
    expect(acked.atMs - first.decidedAtMs!).toBeLessThan(NAK_DELAY_MS + 1_500);
    expect(shop.email.calls.map((c) => c.outcome)).toEqual(['error', 'ok']);
  });

  it('terms after the 4th delivery (NumDelivered > 3): exactly 4 deliveries, then gone for good', async () => {
    shop.email.reset();
    shop.email.fault = { kind: 'fail', message: 'SMTP 451 temporary failure' };
    const seq = await emailSeqOf(2);

    await waitFor(() => log.forSeq(seq).find((d) => d.outcome === 'term'), { timeoutMs: 4 * NAK_DELAY_MS + 3_000, what: 'the worker to give up' });
    expect(log.forSeq(seq).map((d) => [d.deliveryCount, d.outcome])).toEqual([
      [1, 'nak'],
      [2, 'nak'],
      [3, 'nak'],
      [4, 'term'],
    ]);
    const gaps = log.forSeq(seq).slice(1).map((d, i) => d.atMs - log.forSeq(seq)[i].decidedAtMs!);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(NAK_DELAY_MS - 2);

    // Server side: nothing is owed, nothing waits, and the work-queue stream dropped it.
    expect(await isStored(f.nats.jsm, seq + 1)).toBe(true); // the same order's points task (no worker here) is still stored
    await waitFor(async () => !(await isStored(f.nats.jsm, seq)), { timeoutMs: 2_000, what: 'the termed message to leave the stream' });
    const ci = await f.nats.jsm.consumers.info(STREAM, TASK_WORKERS.send_email.consumer);
    expect([ci.num_ack_pending, ci.num_pending, ci.num_redelivered]).toEqual([0, 0, 0]);

    // Client side: the service recovers, so a comeback would be visible as an ack. Watch for more
    // than AckWait and the nak delay (a deliberate observation window, not synchronisation), then
    // prove the worker was alive all along by getting a fresh message through.
    shop.email.fault = { kind: 'none' };
    await delay(2 * Math.max(ACK_WAIT_MS, NAK_DELAY_MS));
    const canary = await emailSeqOf(3);
    await waitFor(() => log.forSeq(canary).find((d) => d.outcome === 'ack'), { timeoutMs: 3_000, what: 'a fresh message to be acked' });
    expect(log.forSeq(seq)).toHaveLength(4);
    expect(shop.email.applied).toEqual(['ORD-0003']);
    expect(worker!.stats).toMatchObject({ termed: 1 });
  });
});
