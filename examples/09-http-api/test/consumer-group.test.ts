// Seed 000's workshop, measured: two members of group order-processor share 10 messages posted
// over HTTP, failures are nak'd and come back after the nak delay, and a message that keeps
// failing is given up after maxDeliver deliveries instead of looping forever.
import type { PubAck } from '@nats-io/jetstream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureDurable, waitFor, type Nats, type PullWorker } from '@mq/shared';
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { ensureGroup, startProcessor, type ProcessorEvent } from '../src/processor';
import { startService, type RunningService } from '../src/service';
import { http, type HttpResult } from './http';

const NAK_DELAY_MS = 300;
let f: NatsFixture;
let svc: RunningService;

/** Stop the members gracefully, then close their connection. */
async function shutdown(workers: PullWorker[], conn: Nats): Promise<void> {
  await Promise.all(workers.map((w) => w.stop()));
  await conn.close();
}

beforeAll(async () => {
  f = await privateNats();
  svc = await startService({ natsUrl: f.url, port: 0 });
});
afterAll(async () => {
  await svc?.close();
  await f?.dispose();
});

it('load-balances 10 messages across two members and retries failures after the nak delay', async () => {
  await ensureGroup(f.nats.jsm, 'ORDERS', 'order-processor', { ackWaitMs: 5_000, maxDeliver: 4 });
  const members = await f.connect('members');
  const events: ProcessorEvent[] = [];
  const flaky = new Set(['ORD-2', 'ORD-5', 'ORD-8']);
  const fails = (orderId: string, deliveryCount: number) => flaky.has(orderId) && deliveryCount === 1; // these fail once, then succeed
  const start = (id: number) =>
    startProcessor({ js: members.js, stream: 'ORDERS', group: 'order-processor', id, failRate: 0.5, nakDelayMs: NAK_DELAY_MS, maxDeliver: 4, workMs: 30, fails, onEvent: (e) => events.push(e) });
  const workers = [start(1), start(2)];
  try {
    for (let i = 1; i <= 10; i++) {
      const r = await http(svc.url, 'POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: `ORD-${i}` } });
      expect(r.status).toBe(200);
    }
    await waitFor(() => events.filter((e) => e.outcome === 'ack').length === 10, { timeoutMs: 8_000, what: '10 acks' });
  } finally {
    await shutdown(workers, members); // also when a wait above failed: no member keeps fetching after the test
  }

  const acks = events.filter((e) => e.outcome === 'ack');
  const naks = events.filter((e) => e.outcome === 'nak');
  // Every order processed exactly once, none given up.
  expect(acks.map((e) => e.orderId).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `ORD-${i + 1}`).sort());
  expect(events.filter((e) => e.outcome === 'term')).toEqual([]);
  // Both members did real work.
  const byWorker = (w: string) => acks.filter((e) => e.worker === w).length;
  expect(byWorker('order-processor#1')).toBeGreaterThanOrEqual(2);
  expect(byWorker('order-processor#2')).toBeGreaterThanOrEqual(2);
  // Three failures, each nak'd with the delay and acked on the second delivery, no sooner than the delay.
  expect(naks.map((e) => e.orderId).sort()).toEqual(['ORD-2', 'ORD-5', 'ORD-8']);
  for (const nak of naks) {
    expect(nak.deliveryCount).toBe(1);
    expect(nak.delayMs).toBe(NAK_DELAY_MS);
    const retry = acks.find((e) => e.seq === nak.seq)!;
    expect(retry.deliveryCount).toBe(2);
    expect(retry.at - nak.at).toBeGreaterThanOrEqual(NAK_DELAY_MS - 20);
  }

  // The API sees the same story: nothing pending, 13 deliveries for 10 messages, the work queue emptied.
  const c = await http(svc.url, 'GET', '/api/v1/consumers/ORDERS/order-processor');
  expect(c.body).toEqual({ stream: 'ORDERS', consumer: 'order-processor', num_pending: 0, num_ack_pending: 0, num_redelivered: 0, delivered: { consumer_seq: 13, stream_seq: 10 } });
  const s = await http(svc.url, 'GET', '/api/v1/streams/ORDERS');
  expect(s.body).toMatchObject({ messages: 0, last_seq: 10, consumer_count: 1 });
});

it('gives a message up after maxDeliver failed deliveries, and a malformed one at once (term), emptying the work queue', async () => {
  const events: ProcessorEvent[] = [];
  const members = await f.connect('member');
  const w = startProcessor({ js: members.js, stream: 'ORDERS', group: 'order-processor', id: 1, failRate: 1, nakDelayMs: 50, maxDeliver: 3, workMs: 5, onEvent: (e) => events.push(e) });
  let r: HttpResult;
  let raw: PubAck;
  try {
    r = await http(svc.url, 'POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: 'ORD-BAD' } });
    raw = await f.nats.js.publish('order.created', 'not json'); // a producer that bypasses the API
    await waitFor(() => events.filter((e) => e.outcome === 'term').length === 2, { timeoutMs: 5_000, what: 'both messages to be given up' });
  } finally {
    await shutdown([w], members);
  }
  const of = (seq: number) => events.filter((e) => e.seq === seq).map((e) => [e.outcome, e.deliveryCount]);
  expect(of(r.body.sequence as number)).toEqual([
    ['nak', 1],
    ['nak', 2],
    ['term', 3],
  ]);
  expect(of(raw.seq)).toEqual([['term', 1]]); // retrying cannot fix a payload that is not JSON
  expect(events.find((e) => e.seq === raw.seq)?.reason).toMatch(/payload is not JSON/);
  await waitFor(async () => (await http(svc.url, 'GET', '/api/v1/streams/ORDERS')).body.messages === 0, { timeoutMs: 2_000, what: 'the termed messages to leave the stream' });
});

it('refuses a group that would overlap another consumer on the work-queue stream, naming it', async () => {
  await f.nats.jsm.consumers.delete('ORDERS', 'order-processor');
  await ensureDurable(f.nats.jsm, 'ORDERS', 'email-worker', { filterSubject: 'order.email' }); // e.g. lesson 03's leftover
  await expect(ensureGroup(f.nats.jsm, 'ORDERS', 'order-processor', { ackWaitMs: 1_000, maxDeliver: 4 })).rejects.toThrow(
    /work-queue stream: each message may have only one consumer, and email-worker \(order\.email\) already takes these subjects/,
  );
  await expect(ensureGroup(f.nats.jsm, 'NOPE', 'order-processor', { ackWaitMs: 1_000, maxDeliver: 4 })).rejects.toThrow(/stream NOPE does not exist yet: start the service first/);
});
