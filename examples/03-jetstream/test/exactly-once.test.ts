// "Exactly once" in JetStream = a dedup window on publish (Nats-Msg-Id) + a confirmed ack. What it
// promises: a republish inside the window is dropped. What it does not: a republish after the
// window is stored again, and a worker that dies after the work but before its ack gets the
// message redelivered, so the work happens twice unless the handler is idempotent.
import { createShop, makeOrder, waitFor, type Shop } from '@mq/shared';
import type { NatsFixture } from '@mq/shared/testing';
import type { JsMsg } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersServer } from './fixture';
import { takeOneAndDie } from '../src/crash';
import { DeliveryLog } from '../src/delivery-log';
import { DEDUP_STREAM, republishUntilStored, setupDedupStream } from '../src/exactly-once';
import { placeOrder } from '../src/publisher';
import { TASK_WORKERS } from '../src/setup';
import { startTaskWorker } from '../src/task-workers';

const ACK_WAIT_MS = 400;
const WINDOW_MS = 500;
let f: NatsFixture;

beforeAll(async () => {
  f = await ordersServer({ ackWaitMs: ACK_WAIT_MS });
});
afterAll(() => f?.dispose());

describe('03-jetstream: what "exactly once" promises', () => {
  it(`drops a republish inside the ${WINDOW_MS} ms dedup window, and stores the same id again after it`, async () => {
    await setupDedupStream(f.nats, WINDOW_MS);
    const tries = await republishUntilStored(f.nats, 'ORD-0001:send_email', 100, 5 * WINDOW_MS);
    const last = tries.at(-1)!;
    const inside = tries.slice(1, -1);
    expect(tries[0], 'the first publish').toMatchObject({ seq: 1, duplicate: false });
    expect(inside.length, 'republishes inside the window').toBeGreaterThanOrEqual(3);
    expect(inside.filter((r) => !r.duplicate || r.seq !== 1), 'republishes inside the window that were stored').toEqual([]);
    expect(last, 'the republish after the window').toMatchObject({ seq: 2, duplicate: false });
    expect(last.atMs).toBeGreaterThanOrEqual(WINDOW_MS);
    expect((await f.nats.jsm.streams.info(DEDUP_STREAM)).state.messages, 'copies stored').toBe(2);
  });
});

/** A worker takes the email, sends it, and dies before acking; a fresh worker then gets the redelivery. */
async function dieAfterTheWork(n: number, shop: Shop, done?: Set<string>) {
  const log = new DeliveryLog();
  const seq = (await placeOrder({ js: f.nats.js, shop }, makeOrder(n))).published[0].seq;
  const work = async (msg: JsMsg) => {
    await shop.email.call('send', (msg.json() as { orderId: string }).orderId);
    done?.add(msg.headers!.get('Nats-Msg-Id'));
  };
  await takeOneAndDie(await f.connect('worker that dies after the work'), TASK_WORKERS.send_email.consumer, log, { work });
  const worker = startTaskWorker(f.nats.js, shop, 'send_email', { nakDelayMs: 100, log, done });
  try {
    await waitFor(() => log.forSeq(seq).find((d) => d.outcome === 'ack'), { timeoutMs: ACK_WAIT_MS + 3_000, what: `seq ${seq} to be acked` });
  } finally {
    await worker.stop();
  }
  return log.forSeq(seq).map((d) => `#${d.deliveryCount} ${d.outcome}${d.detail?.includes('done before') ? ' (done before)' : ''}`);
}

describe('03-jetstream: what "exactly once" does not promise', () => {
  it('a worker that dies after the work and before its ack: redelivered, and a plain handler does the work twice', async () => {
    const shop = createShop({ ordersDb: 1, inventory: 1, email: 1 });
    expect(await dieAfterTheWork(2, shop), 'deliveries of ORD-0002').toEqual(['#1 died', '#2 ack']);
    expect(shop.email.applied, 'emails sent').toEqual(['ORD-0002', 'ORD-0002']);
  });

  it('the same crash with an idempotent handler (tasks done, by Nats-Msg-Id): redelivered, acked, the work done once', async () => {
    const shop = createShop({ ordersDb: 1, inventory: 1, email: 1 });
    expect(await dieAfterTheWork(3, shop, new Set()), 'deliveries of ORD-0003').toEqual(['#1 died', '#2 ack (done before)']);
    expect(shop.email.applied, 'emails sent').toEqual(['ORD-0003']);
  });
});
