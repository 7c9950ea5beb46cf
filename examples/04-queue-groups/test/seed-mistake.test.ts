// The seed's code gives each worker its own durable (email-worker-1/2/3). On the work-queue ORDERS
// stream the server refuses the second and third; on a limits stream each order is processed 3x.
import { describe, expect, it } from 'vitest';
import { makeOrder } from '@mq/shared';
import { privateNatsForFile } from '@mq/shared/testing';
import { perWorkerDurablesOnLimits, perWorkerDurablesOnWorkQueue } from '../src/scene-seed-mistake';

const NAMES = ['email-worker-1', 'email-worker-2', 'email-worker-3'];
const fx = privateNatsForFile();

describe('per-worker durable names on the work-queue ORDERS stream', () => {
  it('are refused: a second consumer on order.email overlaps the first (error 10100)', async () => {
    const attempts = await perWorkerDurablesOnWorkQueue({ url: fx.url, stream: 'L04_ORDERS', subject: 'l04.order.email', durables: NAMES });
    expect(attempts.map((a) => [a.durable, a.ok, a.code])).toEqual([
      ['email-worker-1', true, undefined],
      ['email-worker-2', false, 10100],
      ['email-worker-3', false, 10100],
    ]);
    expect(attempts[1].error).toMatch(/filtered consumer not unique on workqueue stream/);
  });

  it('are refused without a filter too (error 10099)', async () => {
    const attempts = await perWorkerDurablesOnWorkQueue({ url: fx.url, stream: 'L04_ORDERS', subject: 'l04.order.email', durables: NAMES, filtered: false });
    expect(attempts.map((a) => a.code)).toEqual([undefined, 10099, 10099]);
    expect(attempts[1].error).toMatch(/multiple non-filtered consumers not allowed on workqueue stream/);
  });
});

describe('per-worker durable names on a limits-retention stream', () => {
  it('make every worker process every order: 3 x N deliveries', async () => {
    const N = 20;
    const r = await perWorkerDurablesOnLimits({ url: fx.url, stream: 'ORDERS_LIMITS', subject: 'limits.email', orders: N, workMs: 1, labels: ['1', '2', '3'], durableFor: (l) => `email-worker-${l}` });
    await r.stopped;
    expect(r.records).toHaveLength(3 * N);
    expect(r.perWorker).toEqual({ '1': N, '2': N, '3': N });
    const ids = Array.from({ length: N }, (_, i) => makeOrder(i + 1).id);
    for (const w of ['1', '2', '3']) {
      expect(r.records.filter((x) => x.worker === w).map((x) => x.orderId).sort(), `worker ${w}`).toEqual(ids);
    }
    const odd = r.records.filter((x) => x.deliveryCount !== 1 || x.outcome !== 'ack');
    expect(odd.map((x) => `${x.orderId}: worker ${x.worker}, delivery ${x.deliveryCount}, ${x.outcome}`), 'deliveries not acked first time').toEqual([]);
    for (const name of NAMES) {
      const info = await fx.nats.jsm.consumers.info('ORDERS_LIMITS', name);
      expect(info.delivered.consumer_seq, name).toBe(N);
    }
    expect((await fx.nats.jsm.streams.info('ORDERS_LIMITS')).state.messages).toBe(N); // limits retention: acks remove nothing
  });
});
