// A worker process is SIGKILLed mid-batch: its unacked messages come back, with delivery count 2,
// to the surviving workers, but only after AckWait; in the end every order was processed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrder } from '@mq/shared';
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { crashDrill, type CrashResult } from '../src/scene-crash';

const ORDERS = 24;
const BATCH = 4;
const ACK_WAIT_MS = 800;
let fx: NatsFixture;
let r: CrashResult;

beforeAll(async () => {
  fx = await privateNats();
  r = await crashDrill({ url: fx.url, stream: 'L04_ORDERS', subject: 'l04.order.email', durable: 'email-workers', orders: ORDERS, workMs: 50, victimBatch: BATCH, ackWaitMs: ACK_WAIT_MS });
});
afterAll(async () => {
  await r?.stopped;
  await fx?.dispose();
});

describe('a worker process killed mid-batch', () => {
  it('was a real process, SIGKILLed after its first ack while it hung on the second message', () => {
    expect(r.victimPid, 'the victim is another process').not.toBe(process.pid);
    expect(r.victimSignal).toBe('SIGKILL');
    expect(r.victimLines).toHaveLength(1);
    expect(r.victimLines[0]).toMatchObject({ worker: '3', deliveryCount: 1, outcome: 'ack' });
  });

  it('lost nothing: every order acked exactly once, by the victim or a survivor', () => {
    const acked = [...r.victimLines.map((l) => l.orderId), ...r.survivors.filter((p) => p.outcome === 'ack').map((p) => p.orderId)].sort();
    expect(acked).toEqual(Array.from({ length: ORDERS }, (_, i) => makeOrder(i + 1).id));
  });

  it('had its 3 unacked messages redelivered to the survivors with delivery count 2', () => {
    expect(r.redelivered).toHaveLength(BATCH - 1);
    const odd = r.redelivered.filter((p) => p.deliveryCount !== 2 || p.outcome !== 'ack' || !['1', '2'].includes(p.worker));
    expect(odd.map((p) => `${p.orderId}: worker ${p.worker}, delivery ${p.deliveryCount}, ${p.outcome}`), 'redeliveries not acked by a survivor on delivery 2').toEqual([]);
    expect(r.redelivered.map((p) => p.orderId)).not.toContain(r.victimLines[0].orderId);
    expect(r.survivors.filter((p) => p.deliveryCount === 1)).toHaveLength(ORDERS - BATCH);
  });

  it('redelivered only after AckWait, not at the moment of the crash', () => {
    expect(r.killAfterReadyMs).toBeLessThan(ACK_WAIT_MS);
    expect(r.firstRedeliveryAfterReadyMs).toBeGreaterThanOrEqual(ACK_WAIT_MS);
  });

  it('left the work queue empty and nothing pending', async () => {
    const info = await fx.nats.jsm.consumers.info('L04_ORDERS', 'email-workers');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    expect(info.delivered.consumer_seq).toBe(ORDERS + BATCH - 1); // 24 first deliveries + 3 redeliveries
    expect((await fx.nats.jsm.streams.info('L04_ORDERS')).state.messages).toBe(0);
  });
});
