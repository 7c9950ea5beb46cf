// A payload that cannot parse will never parse. The seed's worker Naks it with no delay and no
// limit, so it spins through deliveries without end; the corrected worker terms it on delivery 1.
import { createShop, delay, waitFor } from '@mq/shared';
import type { NatsFixture } from '@mq/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersServer } from './fixture';
import { DeliveryLog } from '../src/delivery-log';
import { STREAM, TASK_WORKERS, isStored, storedCount } from '../src/setup';
import { startTaskWorker, stopAll } from '../src/task-workers';
import type { TaskWorker } from '../src/worker';

const ACK_WAIT_MS = 400;
let f: NatsFixture;
const workers: TaskWorker[] = [];
const shop = createShop({ email: 1 });
const log = new DeliveryLog();

beforeAll(async () => {
  f = await ordersServer({ ackWaitMs: ACK_WAIT_MS });
});
afterAll(async () => {
  await stopAll(workers);
  await f?.dispose();
});

const publishRaw = async (payload: string) => (await f.nats.js.publish('l03.order.email', payload)).seq;
const emailState = async () => {
  const ci = await f.nats.jsm.consumers.info(STREAM, TASK_WORKERS.send_email.consumer);
  return [ci.num_ack_pending, ci.num_pending];
};

describe('03-jetstream: malformed payloads', () => {
  let brokenSeq: number | undefined; // the first test's message; the second re-checks it after its window

  it("the seed's worker naks a payload that does not parse again and again, with no delay and no end", async () => {
    const seq = await publishRaw('{"orderId": "ORD-0001", "email": ');
    brokenSeq = seq;
    const seedWorker = startTaskWorker(f.nats.js, shop, 'send_email', { nakDelayMs: 100, log, batch: 1, seedStyle: true });
    await waitFor(() => log.forSeq(seq).length >= 8, { timeoutMs: 3_000, what: '8 deliveries of the broken message' });
    await seedWorker.stop();

    const seen = log.forSeq(seq);
    expect(seen.map((d) => d.deliveryCount)).toEqual(seen.map((_, i) => i + 1)); // 1, 2, 3, ... no gaps
    expect(seen.every((d) => d.outcome === 'nak')).toBe(true);
    // A hot loop: eight deliveries long before a single AckWait could even have passed.
    expect(seen[7].atMs - seen[0].atMs).toBeLessThan(ACK_WAIT_MS);
    expect(await isStored(f.nats.jsm, seq)).toBe(true);
    expect(shop.email.calls).toHaveLength(0);

    // The corrected worker ends it the moment it sees it.
    workers.push(startTaskWorker(f.nats.js, shop, 'send_email', { nakDelayMs: 100, log }));
    const termed = await waitFor(() => log.forSeq(seq).find((d) => d.outcome === 'term'), { timeoutMs: 3_000, what: 'the corrected worker to term it' });
    expect(termed.by).toBe('email-worker');
    // That its first look was its last is checked in the next test, after an observation window
    // longer than AckWait (right here no redelivery could have happened yet).
    await waitFor(async () => !(await isStored(f.nats.jsm, seq)), { timeoutMs: 2_000, what: 'the broken message to leave the stream' });
  });

  it('the corrected worker terms non-JSON and missing-field payloads on delivery 1 and never sees them again', async () => {
    const notJson = await publishRaw('<html>502 Bad Gateway</html>');
    const noEmail = await publishRaw(JSON.stringify({ orderId: 'ORD-0002', subject: 'Order confirmation' }));

    await waitFor(() => [notJson, noEmail].every((s) => log.forSeq(s).some((d) => d.outcome === 'term')), { timeoutMs: 3_000, what: 'both to be termed' });
    expect(log.forSeq(notJson).map((d) => [d.deliveryCount, d.outcome])).toEqual([[1, 'term']]);
    expect(log.forSeq(noEmail).map((d) => [d.deliveryCount, d.outcome])).toEqual([[1, 'term']]);
    expect(log.forSeq(notJson)[0].detail).toMatch(/not JSON/);
    expect(log.forSeq(noEmail)[0].detail).toMatch(/lacks field "email"/);
    await waitFor(async () => (await storedCount(f.nats.jsm)) === 0, { timeoutMs: 2_000, what: 'the stream to be empty' });
    expect(await emailState()).toEqual([0, 0]);

    // Observation window longer than AckWait (deliberate, not synchronisation), then a valid
    // message proves the worker was pulling the whole time.
    await delay(2 * ACK_WAIT_MS);
    const valid = await publishRaw(JSON.stringify({ orderId: 'ORD-0003', email: 'user1003@example.com', subject: 'Order confirmation' }));
    await waitFor(() => log.forSeq(valid).find((d) => d.outcome === 'ack'), { timeoutMs: 3_000, what: 'the valid message to be acked' });
    expect(log.forSeq(notJson)).toHaveLength(1);
    expect(log.forSeq(noEmail)).toHaveLength(1);
    // The first test's broken message: the corrected worker's first look was its last. (Counted
    // as deliveries to it, not through the delivery count: when a stopping worker cancels its pull,
    // the 2.9 server may restart the count of a message it had in flight.)
    expect(brokenSeq).toBeDefined();
    expect(log.forSeq(brokenSeq!).filter((d) => d.by === 'email-worker').map((d) => d.outcome)).toEqual(['term']);
    expect(shop.email.applied).toEqual(['ORD-0003']);
  });
});
