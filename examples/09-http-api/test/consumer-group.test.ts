// Seed 000's workshop, measured: two members of group order-processor share 10 messages posted
// over HTTP, failures are nak'd and come back after the nak delay, and a message that keeps
// failing is given up after maxDeliver deliveries instead of looping forever: by the member
// (term), or, if a member never gives up, by the server's max_deliver on the durable.
import type { PubAck } from '@nats-io/jetstream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureDurable, waitFor, withTimeout, type Nats, type PullWorker } from '@mq/shared';
import type { NatsFixture } from '@mq/shared/testing';
import type { RunningService } from '../src/service';
import { setupGroup } from '../src/setup';
import { startMember, type MemberEvent } from '../src/worker';
import { serviceFixture, type ServiceFixture } from './fixture';
import { http, type HttpResult } from './http';

const NAK_DELAY_MS = 300;
const GROUP = 'order-processor';
let s: ServiceFixture;
let f: NatsFixture;
let svc: RunningService;

/** Each test makes the group's durable for itself and removes it after, so no test depends on another. */
async function withGroup(maxDeliver: number, ackWaitMs: number, test: () => Promise<void>): Promise<void> {
  await setupGroup(f.nats.jsm, 'ORDERS', GROUP, { ackWaitMs, maxDeliver });
  try {
    await test();
  } finally {
    await f.nats.jsm.consumers.delete('ORDERS', GROUP);
  }
}

/** Stop the members gracefully, then close their connection. */
async function shutdown(workers: PullWorker[], conn: Nats): Promise<void> {
  await Promise.all(workers.map((w) => w.stop()));
  await conn.close();
}

beforeAll(async () => {
  s = await serviceFixture();
  ({ f, svc } = s);
});
afterAll(() => s?.dispose());

it('load-balances 10 messages across two members and retries failures after the nak delay', () => withGroup(4, 5_000, async () => {
  const { last_seq: seq0 } = await s.streamState();
  const members = await f.connect('members');
  const events: MemberEvent[] = [];
  const flaky = new Set(['ORD-2', 'ORD-5', 'ORD-8']);
  const fails = (orderId: string, deliveryCount: number) => flaky.has(orderId) && deliveryCount === 1; // these fail once, then succeed
  const start = (id: number) =>
    startMember({ js: members.js, stream: 'ORDERS', group: 'order-processor', id, failRate: 0.5, nakDelayMs: NAK_DELAY_MS, maxDeliver: 4, workMs: 30, fails, onEvent: (e) => events.push(e) });
  const workers = [start(1), start(2)];
  try {
    for (let i = 1; i <= 10; i++) {
      const r = await http(svc.url, 'POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: `ORD-${i}` } });
      expect(r.status, `ORD-${i}`).toBe(201);
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
  const delivered = { consumer_seq: 13, stream_seq: seq0 + 10 };
  expect(c.body).toEqual({ stream: 'ORDERS', consumer: GROUP, num_pending: 0, num_ack_pending: 0, num_redelivered: 0, delivered });
  const st = await http(svc.url, 'GET', '/api/v1/streams/ORDERS');
  expect(st.body).toMatchObject({ messages: 0, last_seq: seq0 + 10, consumer_count: 1 });
}));

it('gives a message up after maxDeliver failed deliveries, and a malformed one at once (term), emptying the work queue', () => withGroup(3, 5_000, async () => {
  const events: MemberEvent[] = [];
  const members = await f.connect('member');
  const w = startMember({ js: members.js, stream: 'ORDERS', group: 'order-processor', id: 1, failRate: 1, nakDelayMs: 50, maxDeliver: 3, workMs: 5, onEvent: (e) => events.push(e) });
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
  const emptied = async () => (await http(svc.url, 'GET', '/api/v1/streams/ORDERS')).body.messages === 0;
  await waitFor(emptied, { timeoutMs: 2_000, what: 'the termed messages to leave the stream' });
}));

it("stops delivering at the durable's max_deliver when the member never gives up, and says so only in an advisory", () =>
  withGroup(3, 5_000, async () => {
    // The member naks forever (it would never term); the server's max_deliver = 3 on the durable is the only limit.
    const advisories = f.nats.nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.ORDERS.${GROUP}`, { max: 1 });
    const events: MemberEvent[] = [];
    const members = await f.connect('stubborn member');
    const w = startMember({
      js: members.js, stream: 'ORDERS', group: GROUP, id: 1, failRate: 1, nakDelayMs: 50, maxDeliver: 3,
      giveUpOnDelivery: Infinity, workMs: 5, onEvent: (e) => events.push(e),
    });
    let advisory: { stream_seq: number; deliveries: number };
    let seq: number;
    try {
      const before = await s.streamState();
      const r = await http(svc.url, 'POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: 'ORD-STUCK' } });
      seq = r.body.sequence as number;
      expect(seq).toBe(before.last_seq + 1);
      const m = await withTimeout(advisories[Symbol.asyncIterator]().next(), 5_000, 'the MAX_DELIVERIES advisory');
      advisory = m.value.json();
      // The server has stopped: after the advisory the durable holds nothing to deliver and nothing awaiting an ack.
      const info = await f.nats.jsm.consumers.info('ORDERS', GROUP);
      expect({ num_pending: info.num_pending, num_ack_pending: info.num_ack_pending }, 'the durable after max_deliver').toEqual({
        num_pending: 0,
        num_ack_pending: 0,
      });
      expect(info.delivered.consumer_seq, 'deliveries the server made').toBe(3);
    } finally {
      advisories.unsubscribe();
      await shutdown([w], members);
    }
    expect(advisory).toMatchObject({ stream_seq: seq, deliveries: 3 });
    expect(events.filter((e) => e.seq === seq).map((e) => [e.outcome, e.deliveryCount])).toEqual([
      ['nak', 1],
      ['nak', 2],
      ['nak', 3], // the member nak'd the third delivery too; the server did not deliver a fourth
    ]);
    // Nobody terminated it, so the work-queue stream keeps the message: undelivered, and only the advisory tells.
    expect((await f.nats.jsm.streams.getMessage('ORDERS', { seq }))?.json(), 'the stuck message').toEqual({ order_id: 'ORD-STUCK' });
    await f.nats.jsm.streams.deleteMessage('ORDERS', seq); // leave the stream empty for the other tests
  }));

it('refuses a group that would overlap another consumer on the work-queue stream, naming it and how to remove it', async () => {
  await ensureDurable(f.nats.jsm, 'ORDERS', 'email-worker', { filterSubject: 'order.email' }); // e.g. a leftover
  try {
    await expect(setupGroup(f.nats.jsm, 'ORDERS', GROUP, { ackWaitMs: 1_000, maxDeliver: 4 })).rejects.toThrow(
      /work-queue stream: each message may have only one consumer, and email-worker \(order\.email\) already takes these subjects, so group "order-processor" is refused\. Remove it: `pnpm reset`/,
    );
  } finally {
    await f.nats.jsm.consumers.delete('ORDERS', 'email-worker');
  }
  await expect(setupGroup(f.nats.jsm, 'NOPE', 'order-processor', { ackWaitMs: 1_000, maxDeliver: 4 })).rejects.toThrow(/stream NOPE does not exist yet: start the service first/);
});
