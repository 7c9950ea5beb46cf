// A payload that cannot parse will never parse. The seed's worker Naks it with no delay and no
// limit, so it spins through deliveries without end; the corrected worker terms it on delivery 1.
// Each test starts and stops its own workers, with its own shop and log: they run in any order.
import { createShop, delay, waitFor } from '@mq/shared';
import type { NatsFixture } from '@mq/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersServer } from './fixture';
import { DeliveryLog } from '../src/delivery-log';
import { STREAM, TASK_WORKERS, isStored, storedCount, taskSubject } from '../src/setup';
import { startTaskWorker } from '../src/task-workers';
import type { TaskWorker } from '../src/worker';

const ACK_WAIT_MS = 400;
let f: NatsFixture;
const running = new Set<TaskWorker>();

beforeAll(async () => {
  f = await ordersServer({ ackWaitMs: ACK_WAIT_MS });
});
afterAll(async () => {
  await Promise.all([...running].map((w) => w.stop()));
  await f?.dispose();
});

const publishRaw = async (payload: string) => (await f.nats.js.publish(taskSubject('send_email'), payload)).seq;
const emailState = async () => {
  const ci = await f.nats.jsm.consumers.info(STREAM, TASK_WORKERS.send_email.consumer);
  return { ackPending: ci.num_ack_pending, pending: ci.num_pending };
};
const start = (...args: Parameters<typeof startTaskWorker>) => {
  const w = startTaskWorker(...args);
  running.add(w);
  return w;
};
const stop = async (w: TaskWorker) => {
  await w.stop();
  running.delete(w);
};

/**
 * Watch for longer than AckWait (a deliberate observation window, not synchronisation), then get
 * a valid order through, which proves the worker was pulling all along.
 */
async function watchThenCanary(log: DeliveryLog, orderId: string): Promise<void> {
  await delay(2 * ACK_WAIT_MS);
  const valid = await publishRaw(JSON.stringify({ orderId, email: 'user@example.com', subject: 'Order confirmation' }));
  await waitFor(() => log.forSeq(valid).find((d) => d.outcome === 'ack'), { timeoutMs: 3_000, what: `the valid ${orderId} to be acked` });
}

describe('03-jetstream: malformed payloads', () => {
  it("the seed's worker naks a payload that does not parse again and again; the corrected one terms it at first look", async () => {
    const shop = createShop({ email: 1 });
    const log = new DeliveryLog();
    const seq = await publishRaw('{"orderId": "ORD-0001", "email": ');
    const seedWorker = start(f.nats.js, shop, 'send_email', { nakDelayMs: 100, log, seedStyle: true });
    await waitFor(() => log.forSeq(seq).length >= 8, { timeoutMs: 3_000, what: '8 deliveries of the broken message' });
    await stop(seedWorker);

    const seen = log.forSeq(seq).slice(0, 8);
    expect(seen.map((d) => d.deliveryCount), 'delivery counts of the broken message').toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(seen.map((d) => d.outcome), 'what the seed did with each delivery').toEqual(Array(8).fill('nak'));
    // A hot loop: eight deliveries long before a single AckWait could even have passed.
    expect(seen[7].atMs - seen[0].atMs).toBeLessThan(ACK_WAIT_MS);
    expect(await isStored(f.nats.jsm, seq), 'the broken message is still stored').toBe(true);
    expect(shop.email.calls).toHaveLength(0);

    // The corrected worker ends it the moment it sees it, and never sees it again.
    const worker = start(f.nats.js, shop, 'send_email', { nakDelayMs: 100, log });
    const termed = await waitFor(() => log.forSeq(seq).find((d) => d.outcome === 'term'), { timeoutMs: 3_000, what: 'the corrected worker to term it' });
    expect(termed.by).toBe('email-worker');
    await waitFor(async () => !(await isStored(f.nats.jsm, seq)), { timeoutMs: 2_000, what: 'the broken message to leave the stream' });
    await watchThenCanary(log, 'ORD-0002');
    await stop(worker);
    // Counted as deliveries to the corrected worker, not through the delivery count: when a
    // stopping worker cancels its pull, the 2.9 server may restart the count of a message in flight.
    expect(log.forSeq(seq).filter((d) => d.by === 'email-worker').map((d) => d.outcome)).toEqual(['term']);
    expect(shop.email.applied).toEqual(['ORD-0002']);
  });

  it('the corrected worker terms non-JSON and missing-field payloads on delivery 1 and never sees them again', async () => {
    const shop = createShop({ email: 1 });
    const log = new DeliveryLog();
    const worker = start(f.nats.js, shop, 'send_email', { nakDelayMs: 100, log });
    const notJson = await publishRaw('<html>502 Bad Gateway</html>');
    const noEmail = await publishRaw(JSON.stringify({ orderId: 'ORD-0003', subject: 'Order confirmation' }));

    const termedBoth = () => [notJson, noEmail].filter((s) => log.forSeq(s).some((d) => d.outcome === 'term')).length === 2;
    await waitFor(termedBoth, { timeoutMs: 3_000, what: 'both to be termed' });
    expect(log.forSeq(notJson).map((d) => [d.deliveryCount, d.outcome])).toEqual([[1, 'term']]);
    expect(log.forSeq(noEmail).map((d) => [d.deliveryCount, d.outcome])).toEqual([[1, 'term']]);
    expect(log.forSeq(notJson)[0].detail).toMatch(/not JSON/);
    expect(log.forSeq(noEmail)[0].detail).toMatch(/lacks field "email"/);
    await waitFor(async () => (await storedCount(f.nats.jsm)) === 0, { timeoutMs: 2_000, what: 'the stream to be empty' });
    expect(await emailState()).toEqual({ ackPending: 0, pending: 0 });

    await watchThenCanary(log, 'ORD-0004');
    await stop(worker);
    expect(log.forSeq(notJson), 'deliveries of the non-JSON payload').toHaveLength(1);
    expect(log.forSeq(noEmail), 'deliveries of the payload without email').toHaveLength(1);
    expect(shop.email.applied).toEqual(['ORD-0004']);
  });
});
