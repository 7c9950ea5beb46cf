// NATS goes away under a running service: requests get a fast 503 (not a hang, not a 500), input
// errors are still 400, and when the same nats-server comes back the service carries on by itself.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '@mq/shared';
import { serviceFixture, type ServiceFixture } from './fixture';

let s: ServiceFixture;
const call = (method: string, path: string, body?: unknown) => s.call(method, path, body);
const order = (id: string) => ({ subject: 'order.created', data: { order_id: id } });

beforeAll(async () => {
  s = await serviceFixture({ requestTimeoutMs: 3_000 });
});
afterAll(() => s?.dispose());

it('answers 503 quickly while NATS is down and recovers when it returns', async () => {
  expect((await call('POST', '/api/v1/messages', order('ORD-1'))).body.sequence).toBe(1);

  await s.f.server.stop();
  // Right after the broker died: the service may not have noticed yet, but the request timeout bounds the wait.
  const first = await call('POST', '/api/v1/messages', order('ORD-2'));
  expect(first.status).toBe(503);
  expect(first.body).toMatchObject({ success: false, code: 'nats_unavailable', error: expect.stringMatching(/NATS/) });
  expect(first.ms).toBeLessThan(3_000 + 1_000);
  expect(first.headers.get('retry-after'), 'an outage says when to retry').toBe('1');

  // Once the disconnect is noticed, every NATS-backed route fails fast: well under the 3 s request timeout.
  await waitFor(async () => (await call('GET', '/healthz')).status === 503, { timeoutMs: 3_000, what: 'healthz to report NATS down' });
  for (const [method, path, body] of [
    ['POST', '/api/v1/messages', order('ORD-3')],
    ['GET', '/api/v1/streams/ORDERS', undefined],
    ['GET', '/api/v1/consumers/ORDERS/order-processor', undefined],
  ] as const) {
    const r = await call(method, path, body);
    expect(r.status, path).toBe(503);
    expect(r.body.error, path).toBe('NATS is unavailable (the service is reconnecting); try again shortly');
    expect(r.ms, path).toBeLessThan(1_000);
  }
  // Input errors do not need NATS: still 400, not 503.
  expect((await call('POST', '/api/v1/messages', { subject: '$JS.API.INFO', data: {} })).status).toBe(400);

  await s.f.server.restart(); // same port, same store
  const back = await waitFor(
    async () => {
      const r = await call('POST', '/api/v1/messages', order('ORD-4'));
      return r.status === 201 ? r : undefined;
    },
    { timeoutMs: 5_000, intervalMs: 50, what: 'the service to publish again after NATS restarted' },
  );
  expect(back.body).toMatchObject({ success: true, sequence: 2, duplicate: false }); // ORD-2 and ORD-3 never reached the stream
  const st = await call('GET', '/api/v1/streams/ORDERS');
  expect(st.body).toMatchObject({ messages: 2, first_seq: 1, last_seq: 2 });
});
