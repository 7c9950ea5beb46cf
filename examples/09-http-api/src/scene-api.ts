// The demo's first scenes: publish over HTTP and get the PubAck's sequence back, retry with the same
// message id and be told it was a duplicate, inspect the stream, and watch bad input be refused
// before it reaches NATS. Every request is real HTTP against the running service.
import type { Output } from '@mq/shared';
import { DEFAULT_BODY_LIMIT } from './api';
import type { Exchange, httpNarrator } from './narrate';

type Call = ReturnType<typeof httpNarrator>;

export interface ApiSceneNames {
  stream: string;
  /** The story's order.created in this run's namespace, e.g. l09.order.created. */
  subject: (story: string) => string;
  /** Message ids of this run, e.g. demo-3f9a-ORD-124-created: they never collide with the README's curl walkthrough. */
  msgId: (story: string) => string;
}

export async function scenePublish(out: Output, call: Call, n: ApiSceneNames): Promise<Exchange> {
  const created = n.subject('order.created');
  out.step('Publish: the answer comes after JetStream stored the message (PubAck)');
  await call('POST', '/api/v1/messages', { subject: created, data: { order_id: 'ORD-123', user_id: 456, amount: 99.99 } });

  out.step('Retry safely: the same Nats-Msg-Id within the 1 min window is stored once');
  const headers = { 'Nats-Msg-Id': n.msgId('ORD-124-created') };
  await call('POST', '/api/v1/messages', { subject: created, data: { order_id: 'ORD-124' } }, { headers });
  const dup = await call('POST', '/api/v1/messages', { subject: created, data: { order_id: 'ORD-124' } }, { headers });
  out.ok(`the retry got ${dup.status} (not 201), sequence ${dup.body.sequence} again and duplicate: ${dup.body.duplicate}; no second message`);

  out.step('Inspect the stream');
  return call('GET', `/api/v1/streams/${n.stream}`);
}

export async function sceneRefuse(out: Output, call: Call, n: ApiSceneNames, before: Exchange): Promise<void> {
  out.step('Refuse bad input before it reaches NATS');
  const ok = { subject: n.subject('order.created'), data: { order_id: 'ORD-1' } };
  const deep = `${'{"a":'.repeat(5_000)}{}${'}'.repeat(5_000)}`;
  const bad: [string, unknown, { raw?: string }?][] = [
    ['not JSON', undefined, { raw: `{"subject": "${ok.subject}", "data": ` }],
    ['no data', { subject: ok.subject }],
    ['subject is a number', { subject: 42, data: {} }],
    ['JetStream API subject', { ...ok, subject: `$JS.API.STREAM.DELETE.${n.stream}` }],
    ['reply inbox', { ...ok, subject: '_INBOX.x1y2' }],
    ['outside the stream', { ...ok, subject: 'payment.created' }],
    ['wildcard', { ...ok, subject: n.subject('order.*') }],
    ['empty token', { ...ok, subject: n.subject('order..created') }],
    ['right-to-left override', { ...ok, subject: n.subject('order.\u202Edetaerc') }],
    ['data 5,000 levels deep', undefined, { raw: `{"subject": "${ok.subject}", "data": ${deep}}` }],
    [`over ${DEFAULT_BODY_LIMIT / 1024} KiB`, { ...ok, data: { blob: 'x'.repeat(70 * 1024) } }],
  ];
  const rows = [];
  for (const [what, body, opts] of bad) {
    const r = await call('POST', '/api/v1/messages', body, { ...opts, quiet: true });
    rows.push({ request: `POST ${what}`, status: r.status, field: r.body.field as string, error: r.body.error as string });
  }
  for (const path of ['/api/v1/streams/PAYMENTS', `/api/v1/consumers/${n.stream}/nobody`]) {
    const r = await call('GET', path, undefined, { quiet: true });
    rows.push({ request: `GET ${path}`, status: r.status, field: '', error: r.body.error as string });
  }
  out.table(rows, ['request', 'status', 'field', 'error']);
  const after = await call('GET', `/api/v1/streams/${n.stream}`, undefined, { quiet: true });
  const same = after.body.messages === before.body.messages && after.body.last_seq === before.body.last_seq;
  (same ? out.ok : out.bad)(`stream unchanged: messages ${after.body.messages}, last_seq ${after.body.last_seq}`);
}
