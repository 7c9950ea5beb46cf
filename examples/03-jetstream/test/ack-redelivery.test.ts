// Manual ack on a work-queue stream: a message whose worker dies before acking comes back after
// AckWait (not before) with delivery count 2, and the ack is what removes a message.
import { createShop, makeOrder, waitFor } from '@mq/shared';
import type { NatsFixture } from '@mq/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersServer } from './fixture';
import { takeOneAndDie } from '../src/crash';
import { DeliveryLog } from '../src/delivery-log';
import { placeOrder } from '../src/publisher';
import { STREAM, TASK_WORKERS, isStored, storedCount } from '../src/setup';
import { startTaskWorker, stopAll } from '../src/task-workers';
import type { TaskWorker } from '../src/worker';

const ACK_WAIT_MS = 500;
let f: NatsFixture;
const workers: TaskWorker[] = [];
const fastShop = () => createShop({ ordersDb: 1, inventory: 1, email: 1, points: 1, push: 1 });

beforeAll(async () => {
  f = await ordersServer({ ackWaitMs: ACK_WAIT_MS });
});
afterAll(async () => {
  await stopAll(workers);
  await f?.dispose();
});

const consumerState = async (consumer: string) => {
  const ci = await f.nats.jsm.consumers.info(STREAM, consumer);
  return { ackPending: ci.num_ack_pending, pending: ci.num_pending, redelivered: ci.num_redelivered };
};
const emailWorker = TASK_WORKERS.send_email.consumer;

describe('03-jetstream: ack and redelivery', () => {
  it('redelivers a message whose worker died before acking, after AckWait and not before, with delivery count 2', async () => {
    const shop = fastShop();
    const log = new DeliveryLog();
    const placed = await placeOrder({ js: f.nats.js, shop }, makeOrder(1));
    const emailSeq = placed.published.find((p) => p.type === 'send_email')!.seq;

    const crashed = await takeOneAndDie(await f.connect('doomed email worker'), emailWorker, log);
    expect(crashed).toMatchObject({ seq: emailSeq, deliveryCount: 1 });

    // The dead worker never answered: the message is still stored and still owed (ack-pending).
    // Checked before any other worker pulls, so it holds even if a slow machine let AckWait run out
    // already: the server only resends a message to a worker that asks for one.
    expect(await consumerState(emailWorker)).toMatchObject({ ackPending: 1, redelivered: 0 });
    expect(await isStored(f.nats.jsm, emailSeq)).toBe(true);
    const worker = startTaskWorker(f.nats.js, shop, 'send_email', { nakDelayMs: 100, log, batch: 1 });
    workers.push(worker);

    const again = await waitFor(() => log.forSeq(emailSeq).find((d) => d.deliveryCount === 2 && d.outcome === 'ack'), {
      timeoutMs: ACK_WAIT_MS + 3_000,
      what: 'the redelivery to be acked',
    });
    // Measured from just before delivery 1 was pulled: the server started AckWait when it sent
    // delivery 1, which is later, so AckWait is a strict lower bound here (no slack needed).
    const gap = again.atMs - crashed.pulledAtMs;
    expect(gap).toBeGreaterThanOrEqual(ACK_WAIT_MS);
    expect(gap).toBeLessThan(ACK_WAIT_MS + 1_500);
    expect(again.seq).toBe(emailSeq);
    expect(log.forSeq(emailSeq).map((d) => [d.by, d.deliveryCount, d.outcome])).toEqual([
      ['email-worker (crashes)', 1, 'died'],
      ['email-worker', 2, 'ack'],
    ]);
    expect(shop.email.applied).toEqual(['ORD-0001']);
    await worker.stop();
  });

  it('removes a message only when it is acked: 6 stored -> 2 held but still stored -> 0 after the acks', async () => {
    await f.nats.jsm.streams.purge(STREAM); // whatever another test of this file left
    const shop = fastShop();
    const log = new DeliveryLog();
    // Hold the email service so the email worker keeps its message in hand (well within AckWait).
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const realCall = shop.email.call.bind(shop.email);
    let holding = 0;
    shop.email.call = async (op, key) => {
      holding += 1;
      await gate;
      return realCall(op, key);
    };
    await placeOrder({ js: f.nats.js, shop }, makeOrder(2));
    await placeOrder({ js: f.nats.js, shop }, makeOrder(3));
    expect(await storedCount(f.nats.jsm)).toBe(6);

    const opts = { nakDelayMs: 100, log, batch: 1 };
    workers.push(...(['send_email', 'add_points', 'send_push'] as const).map((type) => startTaskWorker(f.nats.js, shop, type, opts)));
    await waitFor(() => holding === 1, { timeoutMs: 3_000, what: 'the email worker to hold its first message' });
    await waitFor(async () => (await storedCount(f.nats.jsm)) === 2, { timeoutMs: 3_000, what: 'points and push acked, 2 emails left' });
    // One email in hand, not acked: still stored and counted as ack-pending; the other waits.
    expect(await consumerState(emailWorker)).toMatchObject({ ackPending: 1, pending: 1 });

    release();
    await waitFor(async () => (await storedCount(f.nats.jsm)) === 0, { timeoutMs: 3_000, what: 'the stream to be empty' });
    const these = log.entries.filter((d) => d.orderId === 'ORD-0002' || d.orderId === 'ORD-0003');
    expect(these.map((d) => `${d.orderId} ${d.subject} #${d.deliveryCount} ${d.outcome}`).sort()).toEqual([
      'ORD-0002 l03.order.email #1 ack',
      'ORD-0002 l03.order.points #1 ack',
      'ORD-0002 l03.order.push #1 ack',
      'ORD-0003 l03.order.email #1 ack',
      'ORD-0003 l03.order.points #1 ack',
      'ORD-0003 l03.order.push #1 ack',
    ]);
    for (const w of Object.values(TASK_WORKERS)) {
      expect(await consumerState(w.consumer), w.consumer).toEqual({ ackPending: 0, pending: 0, redelivered: 0 });
    }
    expect(shop.email.applied).toEqual(['ORD-0002', 'ORD-0003']);
  });
});
