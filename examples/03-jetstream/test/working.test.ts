// A handler slower than AckWait: the server redelivers its message to another worker of the same
// consumer while the first one still works on it, unless the loop says working() (+WPI), which
// restarts AckWait. With it the email goes out once; without it, twice.
import { createShop, makeOrder, waitFor } from '@mq/shared';
import type { NatsFixture } from '@mq/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersServer } from './fixture';
import { DeliveryLog } from '../src/delivery-log';
import { placeOrder } from '../src/publisher';
import { STREAM } from '../src/setup';
import { startTaskWorker, stopAll } from '../src/task-workers';

const ACK_WAIT_MS = 300;
const EMAIL_MS = 3 * ACK_WAIT_MS;
let f: NatsFixture;

beforeAll(async () => {
  f = await ordersServer({ ackWaitMs: ACK_WAIT_MS });
});
afterAll(() => f?.dispose());

/** Two email workers on the one email consumer; one slow email; returns what happened to it. */
async function slowEmail(n: number, sayWorking: boolean) {
  await f.nats.jsm.streams.purge(STREAM);
  const shop = createShop({ ordersDb: 1, inventory: 1, email: EMAIL_MS });
  const log = new DeliveryLog();
  const opts = { nakDelayMs: 100, log, sayWorking };
  const workers = [
    startTaskWorker(f.nats.js, shop, 'send_email', { ...opts, name: 'worker A' }),
    startTaskWorker(f.nats.js, shop, 'send_email', { ...opts, name: 'worker B' }),
  ];
  try {
    const seq = (await placeOrder({ js: f.nats.js, shop }, makeOrder(n))).published[0].seq;
    await waitFor(() => log.forSeq(seq).some((d) => d.outcome === 'ack'), { timeoutMs: EMAIL_MS * 3, what: `seq ${seq} to be acked` });
    await waitFor(() => log.forSeq(seq).every((d) => d.outcome), { timeoutMs: EMAIL_MS * 2, what: 'every delivery of it to be settled' });
    const deliveries = log.forSeq(seq).map((d) => d.deliveryCount);
    return { deliveries, sent: [...shop.email.applied], working: workers.map((w) => w.stats.working) };
  } finally {
    await stopAll(workers);
  }
}

describe('03-jetstream: working() for a handler slower than AckWait', () => {
  it(`with working(): an email that takes ${EMAIL_MS} ms (3 x AckWait) is delivered once and sent once`, async () => {
    const r = await slowEmail(1, true);
    expect(r.deliveries, 'delivery counts of the slow email').toEqual([1]);
    expect(r.sent, 'emails sent').toEqual(['ORD-0001']);
    // Every AckWait / 2 while the email runs: 900 / 150 -> about 5 signals, by whichever worker had it.
    expect(r.working[0] + r.working[1], 'working() signals sent').toBeGreaterThanOrEqual(4);
  });

  it('without working(): the other worker gets it after AckWait while the first still works, and the email goes out twice', async () => {
    const r = await slowEmail(2, false);
    expect(r.deliveries, 'delivery counts of the slow email').toEqual([1, 2]);
    expect(r.sent, 'emails sent').toEqual(['ORD-0002', 'ORD-0002']);
  });
});
