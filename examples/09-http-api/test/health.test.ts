// /healthz answers the question a load balancer asks: can a POST be stored right now? Issue 11:
// the service used to say "ok" while every POST got 503, because the stream it serves had been
// replaced under it by another lesson. Now it checks the stream too.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { serviceFixture, type ServiceFixture } from './fixture';

let s: ServiceFixture;
beforeAll(async () => {
  s = await serviceFixture();
});
afterAll(() => s?.dispose());

it('says ok while POST works, and 503 naming the missing stream once the stream is gone', async () => {
  expect((await s.call('GET', '/healthz')).body).toEqual({ status: 'ok', nats: 'connected', stream: 'ORDERS' });
  expect((await s.call('POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: 'ORD-1' } })).status).toBe(201);

  await s.f.nats.jsm.streams.delete('ORDERS'); // e.g. `pnpm reset` while the service runs
  const health = await s.call('GET', '/healthz');
  expect(health.status).toBe(503);
  expect(health.body).toEqual({
    status: 'unavailable',
    nats: 'connected',
    stream: 'ORDERS',
    error: 'stream ORDERS does not exist: POST cannot store anything; restart the service to create it',
  });
  const post = await s.call('POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: 'ORD-2' } });
  expect(post.status, 'healthz and POST agree').toBe(503);
  expect(post.body.error).toBe('stream ORDERS did not answer: it was removed while the service ran, or JetStream is off (GET /healthz says which)');
});
