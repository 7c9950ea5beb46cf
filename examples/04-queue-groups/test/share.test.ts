// Three workers, one durable consumer: every order is processed exactly once, and each worker
// gets a real share. Checked from both sides: what the workers did, and what the server counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrder } from '@mq/shared';
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { shareOrders, type ShareResult } from '../src/scene-share';

const ORDERS = 300;
const LABELS = ['1', '2', '3'];
let fx: NatsFixture;
let result: ShareResult;

beforeAll(async () => {
  fx = await privateNats();
  result = await shareOrders({ url: fx.url, stream: 'L04_ORDERS', subject: 'l04.order.email', durable: 'email-workers', orders: ORDERS, labels: LABELS, workMs: 3, batch: 1 });
});
afterAll(async () => {
  await result?.stopped;
  await fx?.dispose();
});

describe('three workers sharing the durable "email-workers"', () => {
  it('process every order exactly once, all on the first delivery', () => {
    const ids = result.records.map((r) => r.orderId).sort();
    expect(ids).toEqual(Array.from({ length: ORDERS }, (_, i) => makeOrder(i + 1).id));
    const odd = result.records.filter((r) => r.outcome !== 'ack' || r.deliveryCount !== 1);
    expect(odd.map((r) => `${r.orderId}: worker ${r.worker}, delivery ${r.deliveryCount}, ${r.outcome}`), 'orders not acked on delivery 1').toEqual([]);
  });

  it('give each worker a real share (>= 15 % of 300 each) with small batches', () => {
    expect(Object.keys(result.perWorker)).toEqual(LABELS);
    expect(Object.values(result.perWorker).reduce((a, b) => a + b, 0)).toBe(ORDERS);
    for (const label of LABELS) expect(result.perWorker[label], `worker ${label}`).toBeGreaterThanOrEqual(0.15 * ORDERS);
  });

  it('made the server deliver each message once: 300 deliveries, nothing pending or redelivered, the work queue empty', async () => {
    const info = await fx.nats.jsm.consumers.info('L04_ORDERS', 'email-workers');
    expect(info.delivered.consumer_seq).toBe(ORDERS);
    expect(info.ack_floor.consumer_seq).toBe(ORDERS);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
    expect(info.num_pending).toBe(0);
    expect((await fx.nats.jsm.streams.info('L04_ORDERS')).state.messages).toBe(0);
  });
});
