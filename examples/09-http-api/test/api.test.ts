// The HTTP API against a real fastify server and a real (private) nats-server: the JSON shapes of
// seed 000, deduplication, 404s, and that every rejected request left the stream untouched and
// sent nothing at all to NATS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDurable } from '@mq/shared';
import type { NatsFixture } from '@mq/shared/testing';
import type { RunningService } from '../src/service';
import { serviceFixture, type ServiceFixture } from './fixture';

let s: ServiceFixture;
let f: NatsFixture;
let svc: RunningService;
const call: ServiceFixture['call'] = (...args) => s.call(...args);
const streamState = () => s.streamState();

beforeAll(async () => {
  s = await serviceFixture();
  ({ f, svc } = s);
});
afterAll(() => s?.dispose());

describe('the service', () => {
  it('listens on loopback only by default and created ORDERS with the story config', async () => {
    expect(svc.host).toBe('127.0.0.1');
    const info = await f.nats.jsm.streams.info('ORDERS');
    expect(info.config.subjects).toEqual(['order.*']);
    expect(info.config.retention).toBe('workqueue');
    expect(info.config.duplicate_window).toBe(60_000_000_000);
    expect(svc.backend.subjects).toEqual(['order.*']);
  });
});

describe('POST /api/v1/messages', () => {
  it('publishes with a PubAck and answers 201 {success, sequence, timestamp}', async () => {
    const before = Date.now();
    const r = await call('POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: 'ORD-1', amount: 99.99 } });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ success: true, stream: 'ORDERS', sequence: 1, duplicate: false, timestamp: expect.any(String) });
    const ts = Date.parse(r.body.timestamp as string);
    expect(ts).toBeGreaterThanOrEqual(before - 1);
    expect(ts).toBeLessThanOrEqual(Date.now());

    const stored = await f.nats.jsm.streams.getMessage('ORDERS', { seq: 1 });
    expect(stored?.subject).toBe('order.created');
    expect(stored?.json()).toEqual({ order_id: 'ORD-1', amount: 99.99 });

    const r2 = await call('POST', '/api/v1/messages', { subject: 'order.paid', data: { order_id: 'ORD-1' } });
    expect(r2.body.sequence).toBe(2);
  });

  it('deduplicates by Nats-Msg-Id header or message_id field: 201 when stored, 200 with duplicate: true and why when not', async () => {
    const before = await streamState();
    const first = await call('POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: 'ORD-7' } }, { headers: { 'Nats-Msg-Id': 'ORD-7-created' } });
    const again = await call('POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: 'ORD-7' } }, { headers: { 'Nats-Msg-Id': 'ORD-7-created' } });
    const viaField = await call('POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: 'ORD-7' }, message_id: 'ORD-7-created' });
    const seq = before.last_seq + 1;
    expect([first.status, again.status, viaField.status], 'stored, then not stored twice').toEqual([201, 200, 200]);
    expect(first.body).toMatchObject({ success: true, sequence: seq, duplicate: false });
    expect(first.body.message, 'a stored message needs no explanation').toBeUndefined();
    const why = `not stored again: message id "ORD-7-created" was already stored as sequence ${seq} within the last 60 s`;
    expect(again.body).toMatchObject({ success: true, sequence: seq, duplicate: true, message: why });
    expect(viaField.body).toMatchObject({ success: true, sequence: seq, duplicate: true, message: why });
    expect(await streamState()).toEqual({ messages: before.messages + 1, last_seq: before.last_seq + 1 });

    const other = await call('POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: 'ORD-8' }, message_id: 'ORD-8-created' });
    expect(other.status).toBe(201);
    expect(other.body).toMatchObject({ sequence: before.last_seq + 2, duplicate: false });
  });
});

describe('GET /api/v1/streams/:name and /api/v1/consumers/:stream/:consumer', () => {
  it('report the stream and a consumer with the seed shapes and real numbers', async () => {
    const { last_seq: n } = await streamState(); // 4 messages so far
    const s0 = await call('GET', '/api/v1/streams/ORDERS');
    expect(s0.status).toBe(200);
    expect(s0.body).toEqual({ stream: 'ORDERS', subjects: ['order.*'], messages: n, bytes: expect.any(Number), first_seq: 1, last_seq: n, consumer_count: 0 });
    expect(s0.body.bytes, "the API reports the broker's own byte count").toBe((await f.nats.jsm.streams.info('ORDERS')).state.bytes);

    await ensureDurable(f.nats.jsm, 'ORDERS', 'order-processor', { ackWaitMs: 60_000 });
    const consumer = await f.nats.js.consumers.get('ORDERS', 'order-processor');
    const first = [];
    for await (const m of await consumer.fetch({ max_messages: 2, expires: 1_000 })) first.push(m);
    expect(first.map((m) => m.seq)).toEqual([1, 2]);
    first[0].nak(); // seq 1 goes back for immediate redelivery
    const second = []; // the n-2 never-delivered messages plus seq 1 again, in whatever order the server picks
    for await (const m of await consumer.fetch({ max_messages: n - 1, expires: 2_000 })) second.push(m);
    expect(second.map((m) => m.seq).sort((a, b) => a - b)).toEqual([1, ...Array.from({ length: n - 2 }, (_, i) => i + 3)]);
    expect(second.find((m) => m.seq === 1)?.info.deliveryCount).toBe(2);
    for (const id of ['ORD-20', 'ORD-21']) await call('POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: id } });

    const c = await call('GET', '/api/v1/consumers/ORDERS/order-processor');
    expect(c.status).toBe(200);
    expect(c.body).toEqual({
      stream: 'ORDERS',
      consumer: 'order-processor',
      num_pending: 2, // ORD-20 and ORD-21: in the stream, never delivered
      num_ack_pending: n, // all n delivered, none acked yet
      num_redelivered: 1, // seq 1
      delivered: { consumer_seq: n + 1, stream_seq: n }, // n + 1 deliveries, highest stream seq n
    });
    expect((await call('GET', '/api/v1/streams/ORDERS')).body.consumer_count).toBe(1);
  });

  it('answer 404 for unknown streams, consumers and routes, 400 for malformed names', async () => {
    const cases: [string, number, RegExp][] = [
      ['/api/v1/streams/PAYMENTS', 404, /stream "PAYMENTS" is not served by this API \(it serves ORDERS\)/],
      ['/api/v1/consumers/ORDERS/nobody', 404, /consumer "nobody" not found on stream ORDERS/],
      ['/api/v1/consumers/PAYMENTS/order-processor', 404, /stream "PAYMENTS" is not served/],
      ['/api/v1/nothing-here', 404, /no route GET \/api\/v1\/nothing-here/],
      ['/api/v1/streams/ORD.ERS', 400, /path parameter "name" must be 1-64 letters/],
      ['/api/v1/consumers/ORDERS/a*b', 400, /path parameter "consumer"/],
    ];
    for (const [path, status, message] of cases) {
      const r = await call('GET', path);
      expect(r.status, path).toBe(status);
      expect(r.body, path).toMatchObject({ success: false, error: expect.stringMatching(message) });
    }
  });
});

describe('bad input', () => {
  const ok = { subject: 'order.created', data: { order_id: 'ORD-9' } };
  // [what, body or raw text, extra options, status, code, field]
  const cases: [string, unknown, { raw?: string; headers?: Record<string, string> }, number, string, string | undefined][] = [
    ['invalid JSON', undefined, { raw: '{"subject": "order.created", "data": ' }, 400, 'invalid_json', 'body'],
    ['empty body', undefined, { raw: '' }, 400, 'invalid_json', 'body'],
    ['a JSON array', [ok], {}, 400, 'invalid_field', 'body'],
    ['a JSON string', 'order.created', {}, 400, 'invalid_field', 'body'],
    ['missing subject', { data: {} }, {}, 400, 'invalid_field', 'subject'],
    ['missing data', { subject: 'order.created' }, {}, 400, 'invalid_field', 'data'],
    ['subject is a number', { subject: 42, data: {} }, {}, 400, 'invalid_field', 'subject'],
    ['subject is empty', { subject: '', data: {} }, {}, 400, 'invalid_field', 'subject'],
    ['data is a string', { subject: 'order.created', data: 'ORD-9' }, {}, 400, 'invalid_field', 'data'],
    ['data is null', { subject: 'order.created', data: null }, {}, 400, 'invalid_field', 'data'],
    ['an unknown field', { ...ok, priority: 'high' }, {}, 400, 'invalid_field', 'priority'],
    ['message_id with a space', { ...ok, message_id: 'ORD 9' }, {}, 400, 'invalid_field', 'message_id'],
    ['header and field ids differ', { ...ok, message_id: 'a' }, { headers: { 'Nats-Msg-Id': 'b' } }, 400, 'invalid_field', 'message_id'],
    ['Nats-Msg-Id header too long', ok, { headers: { 'Nats-Msg-Id': 'x'.repeat(129) } }, 400, 'invalid_field', 'nats-msg-id'],
    ['prototype poisoning', undefined, { raw: '{"subject":"order.created","data":{},"__proto__":{"admin":true}}' }, 400, 'invalid_json', 'body'],
    ['subject outside the stream', { ...ok, subject: 'payment.created' }, {}, 400, 'subject_not_allowed', 'subject'],
    ['subject one token too deep', { ...ok, subject: 'order.created.v2' }, {}, 400, 'subject_not_allowed', 'subject'],
    ['JetStream API subject', { ...ok, subject: '$JS.API.STREAM.DELETE.ORDERS' }, {}, 400, 'subject_not_allowed', 'subject'],
    ['system subject', { ...ok, subject: '$SYS.REQ.SERVER.PING' }, {}, 400, 'subject_not_allowed', 'subject'],
    ['reply inbox', { ...ok, subject: '_INBOX.abc.def' }, {}, 400, 'subject_not_allowed', 'subject'],
    ['wildcard *', { ...ok, subject: 'order.*' }, {}, 400, 'subject_not_allowed', 'subject'],
    ['wildcard >', { ...ok, subject: 'order.>' }, {}, 400, 'subject_not_allowed', 'subject'],
    ['empty token', { ...ok, subject: 'order..created' }, {}, 400, 'subject_not_allowed', 'subject'],
    ['right-to-left override', { ...ok, subject: 'order.\u202Edetaerc' }, {}, 400, 'subject_not_allowed', 'subject'],
    ['lone surrogate', { ...ok, subject: 'order.\uD800' }, {}, 400, 'subject_not_allowed', 'subject'],
    ['data nested 40 levels', { ...ok, data: JSON.parse(`${'{"a":'.repeat(40)}{}${'}'.repeat(40)}`) }, {}, 400, 'too_deep', 'data'],
    ['body over 64 KiB', { ...ok, data: { blob: 'x'.repeat(70 * 1024) } }, {}, 413, 'body_too_large', 'body'],
  ];

  it('is refused with a status, a code and the offending field, and nothing reaches NATS', async () => {
    const before = await streamState();
    const sentBefore = svc.backend.messagesSent;
    for (const [what, body, opts, status, code, field] of cases) {
      const r = await call('POST', '/api/v1/messages', body, opts);
      expect(r.status, what).toBe(status);
      expect(r.body, what).toMatchObject({ success: false, code, error: expect.any(String) });
      expect(r.body.field, what).toBe(field);
    }
    const text = await fetch(`${svc.url}/api/v1/messages`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'order.created' });
    expect(text.status).toBe(415);

    expect(svc.backend.messagesSent).toBe(sentBefore); // not a single message (publish or API request) went to NATS
    expect(await streamState()).toEqual(before);
  });

  it('explains itself in one sentence that names the field', async () => {
    const missing = await call('POST', '/api/v1/messages', { data: {} });
    expect(missing.body.error).toBe('"subject" is required');
    const wrongType = await call('POST', '/api/v1/messages', { subject: 7, data: {} });
    expect(wrongType.body.error).toBe('"subject" must be of type string');
    const outside = await call('POST', '/api/v1/messages', { subject: 'payment.created', data: {} });
    expect(outside.body.error).toBe('subject "payment.created" is not captured by stream ORDERS (its subjects: order.*)');
  });
});
