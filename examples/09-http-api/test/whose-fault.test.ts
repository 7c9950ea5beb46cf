// Whose fault is it? The status code must say: bad input is a 4xx the caller must fix (retrying it
// cannot help), a bug in this service is a 500 without Retry-After, and only NATS not answering is
// a 503 with Retry-After. Issue 13: a deeply nested `data` used to overflow the stack inside the
// publish and come back as "503 NATS did not answer ... try again", an outage that was not one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DATA_DEPTH } from '../src/limits';
import { UnavailableError } from '../src/backend';
import { serviceFixture, type ServiceFixture } from './fixture';

let s: ServiceFixture;
beforeAll(async () => {
  s = await serviceFixture();
});
afterAll(() => s?.dispose());

/** `{"a":{"a":...{}}}` nested `depth` levels deep, as raw JSON text (JSON.stringify itself would overflow). */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}`;

describe('deeply nested data', () => {
  it.each([5_000, 10_000])('%i levels (under the 64 KiB body limit) is a 400 naming the depth limit, and nothing is stored', async (depth) => {
    const raw = `{"subject": "order.created", "data": ${nested(depth)}}`;
    expect(raw.length, 'the body stays under the 64 KiB limit').toBeLessThan(64 * 1024);
    const before = await s.streamState();
    const sent = s.svc.backend.messagesSent;
    const r = await s.call('POST', '/api/v1/messages', undefined, { raw });
    expect(r.status, `${depth} levels`).toBe(400);
    expect(r.body).toEqual({ success: false, code: 'too_deep', field: 'data', error: `"data" is nested deeper than ${MAX_DATA_DEPTH} levels` });
    expect(r.headers.get('retry-after'), 'bad input is not an outage to retry').toBeNull();
    expect(s.svc.backend.messagesSent, 'messages sent to NATS').toBe(sent);
    expect(await s.streamState()).toEqual(before);
  });

  it(`exactly ${MAX_DATA_DEPTH} levels is still accepted (the limit is the limit, not less)`, async () => {
    const r = await s.call('POST', '/api/v1/messages', undefined, { raw: `{"subject": "order.created", "data": ${nested(MAX_DATA_DEPTH - 1)}}` });
    expect(r.status).toBe(201);
  });
});

describe('the service failing on its own', () => {
  it('a publish that throws for a reason other than NATS is not turned into "NATS unavailable"', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic; // JSON.stringify throws a TypeError: our problem, NATS never saw it
    const err = await s.svc.backend.publish('order.created', cyclic).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(err).not.toBeInstanceOf(UnavailableError);
  });

  it('answers 500 internal_error without Retry-After when the service itself breaks', async () => {
    const original = s.svc.backend.publish.bind(s.svc.backend);
    s.svc.backend.publish = () => Promise.reject(new TypeError('a bug in the service')); // stands in for any bug of ours
    try {
      const r = await s.call('POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: 'ORD-1' } });
      expect(r.status).toBe(500);
      expect(r.body).toEqual({ success: false, code: 'internal_error', error: 'internal error (a bug in this service, not a NATS outage; retrying will not help)' });
      expect(r.headers.get('retry-after'), 'our own bug is not an outage to retry').toBeNull();
    } finally {
      s.svc.backend.publish = original;
    }
  });
});
