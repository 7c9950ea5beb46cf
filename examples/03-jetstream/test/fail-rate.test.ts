// FAIL_RATE=0.5: the email service fails half the attempts. Each failure is nak'd with a delay
// and retried; with the seeded coin every order gets through within 4 deliveries, so every
// message ends acked, and each order is delivered exactly as often as the coin predicts.
import { createShop, makeOrder, STORY, waitFor } from '@mq/shared';
import type { NatsFixture } from '@mq/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersServer } from './fixture';
import { DeliveryLog } from '../src/delivery-log';
import { placeOrder } from '../src/publisher';
import { STREAM, TASK_WORKERS, storedCount } from '../src/setup';
import { SeededCoin } from '../src/seeded-coin';
import { startTaskWorker, stopAll } from '../src/task-workers';
import type { TaskWorker } from '../src/worker';

const FAIL_RATE = 0.5;
const SEED = 6;
const NAK_DELAY_MS = 100;
const ORDERS_N = 8;
let f: NatsFixture;
let worker: TaskWorker | undefined;

beforeAll(async () => {
  f = await ordersServer({ ackWaitMs: 2_000 });
});
afterAll(async () => {
  await stopAll(worker ? [worker] : []);
  await f?.dispose();
});

describe('03-jetstream: a flaky email service (FAIL_RATE=0.5)', () => {
  it('turns every failure into nak -> retry until success; all messages end acked', async () => {
    const coin = new SeededCoin(SEED);
    const ids = Array.from({ length: ORDERS_N }, (_, i) => makeOrder(i + 1).id);
    const predicted = ids.map((id) => coin.firstSuccess(id, FAIL_RATE, STORY.maxDeliver));
    // The seed was chosen so the run shows retries without any order running out of tries.
    expect(predicted).toEqual([1, 3, 1, 4, 2, 1, 1, 3]);

    const shop = createShop({ ordersDb: 1, inventory: 1, email: 2 });
    shop.email.fault = coin.fault(FAIL_RATE);
    const log = new DeliveryLog();
    for (let n = 1; n <= ORDERS_N; n++) await placeOrder({ js: f.nats.js, shop }, makeOrder(n));
    worker = startTaskWorker(f.nats.js, shop, 'send_email', { nakDelayMs: NAK_DELAY_MS, log, coin, batch: 4 });

    // The log records the handler's decision; the worker's stats count an ack once the server confirmed it.
    await waitFor(() => log.decided('ack').length === ORDERS_N && worker!.stats.acked === ORDERS_N, { timeoutMs: 5_000, what: `${ORDERS_N} confirmed acks` });
    ids.forEach((id, i) => {
      const deliveries = log.forOrder(id);
      const failures = predicted[i]! - 1;
      expect(deliveries.map((d) => d.deliveryCount), id).toEqual(Array.from({ length: predicted[i]! }, (_, k) => k + 1));
      expect(deliveries.map((d) => d.outcome), id).toEqual([...Array(failures).fill('nak'), 'ack']);
    });
    expect(worker.stats).toMatchObject({ acked: 8, naked: 8, termed: 0 });
    expect(shop.email.calls.filter((c) => c.outcome === 'error')).toHaveLength(8);
    expect([...shop.email.applied].sort()).toEqual(ids);
    const ci = await f.nats.jsm.consumers.info(STREAM, TASK_WORKERS.send_email.consumer);
    expect([ci.num_ack_pending, ci.num_pending, ci.num_redelivered]).toEqual([0, 0, 0]);
    // Only the points and push tasks (no workers in this test) are left in the work-queue stream.
    expect(await storedCount(f.nats.jsm)).toBe(2 * ORDERS_N);
  });
});
