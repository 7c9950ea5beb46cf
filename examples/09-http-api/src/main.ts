// `pnpm --filter 09-http-api demo`: seed 000's message service, narrated. It starts the HTTP API
// in-process on a free loopback port, drives it with real HTTP requests, shows what it refuses,
// then runs the seed's workshop: two members of group order-processor share the work while
// FAIL_RATE=0.5 makes some deliveries fail and come back after the nak delay.
import { connectNats, createOutput, deleteStreamIfExists, ms, parseFlags, realTimingsRequested, resolveNats, runMain, timings, waitFor, type TimelineEvent } from '@mq/shared';
import { DEFAULT_BODY_LIMIT } from './api';
import { httpNarrator } from './narrate';
import { seededRandom } from '@mq/shared';
import { describeEvent, ensureGroup, startProcessor, type ProcessorEvent } from './processor';
import { startService } from './service';

const USAGE = `usage: pnpm --filter 09-http-api demo [-- --real-timings]
  --real-timings   the story's 30 s nak delay and ack wait (the demo then takes minutes); or MQ_REAL_TIMINGS=1`;

const GROUP = 'order-processor';
const FAIL_RATE = 0.5;

runMain(async () => {
  const flags = parseFlags(USAGE, { 'real-timings': { type: 'boolean' } });
  const t = timings(flags['real-timings'] || realTimingsRequested()); // the flag, or MQ_REAL_TIMINGS=1
  const out = createOutput();
  out.chapter('09-http-api', 'The message service: JetStream behind an HTTP API', '#09-http-api');

  const nats = await resolveNats();
  out.say(nats.description);
  const admin = await connectNats(nats.url, { name: '09-http-api-demo' });
  try {
    await deleteStreamIfExists(admin.jsm, 'ORDERS'); // a clean slate, so the numbers below are the demo's own
    const svc = await startService({ natsUrl: nats.url, port: 0 });
    const call = httpNarrator(out, svc.url);
    try {
      out.step('Start the service');
      out.say(`listening on ${svc.url}: loopback only (HOST=0.0.0.0 would expose it; there is no authentication)`);
      out.say(`stream ORDERS created with the story's config: subjects ${svc.backend.subjects.join(', ')}, work-queue, file storage, 7 days, 10 GB, 1 min dedup window`);

      out.step('Publish: the answer comes after JetStream stored the message (PubAck)');
      await call('POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: 'ORD-123', user_id: 456, amount: 99.99 } });

      out.step('Retry safely: the same Nats-Msg-Id within the 1 min window is stored once');
      await call('POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: 'ORD-124' } }, { headers: { 'Nats-Msg-Id': 'ORD-124-created' } });
      const dup = await call('POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: 'ORD-124' } }, { headers: { 'Nats-Msg-Id': 'ORD-124-created' } });
      out.ok(`the retry got sequence ${dup.body.sequence} again with duplicate: ${dup.body.duplicate}; no second message`);

      out.step('Inspect the stream');
      const before = await call('GET', '/api/v1/streams/ORDERS');

      out.step('Refuse bad input before it reaches NATS');
      const ok = { subject: 'order.created', data: { order_id: 'ORD-1' } };
      const bad: [string, unknown, { raw?: string }?][] = [
        ['not JSON', undefined, { raw: '{"subject": "order.created", "data": ' }],
        ['no data', { subject: 'order.created' }],
        ['subject is a number', { subject: 42, data: {} }],
        ['JetStream API subject', { ...ok, subject: '$JS.API.STREAM.DELETE.ORDERS' }],
        ['reply inbox', { ...ok, subject: '_INBOX.x1y2' }],
        ['outside order.*', { ...ok, subject: 'payment.created' }],
        ['wildcard', { ...ok, subject: 'order.*' }],
        ['empty token', { ...ok, subject: 'order..created' }],
        [`over ${DEFAULT_BODY_LIMIT / 1024} KiB`, { ...ok, data: { blob: 'x'.repeat(70 * 1024) } }],
      ];
      const rows = [];
      for (const [what, body, opts] of bad) {
        const r = await call('POST', '/api/v1/messages', body, { ...opts, quiet: true });
        rows.push({ request: `POST ${what}`, status: r.status, field: r.body.field as string, error: r.body.error as string });
      }
      for (const path of ['/api/v1/streams/PAYMENTS', '/api/v1/consumers/ORDERS/nobody']) {
        const r = await call('GET', path, undefined, { quiet: true });
        rows.push({ request: `GET ${path}`, status: r.status, field: '', error: r.body.error as string });
      }
      out.table(rows, ['request', 'status', 'field', 'error']);
      const after = await call('GET', '/api/v1/streams/ORDERS', undefined, { quiet: true });
      const same = after.body.messages === before.body.messages && after.body.last_seq === before.body.last_seq;
      (same ? out.ok : out.bad)(`stream unchanged: messages ${after.body.messages}, last_seq ${after.body.last_seq}`);

      out.step(`Two members of group "${GROUP}" share the work (FAIL_RATE=${FAIL_RATE})`);
      out.say(`both pull from one durable consumer "${GROUP}", one message at a time; a failure is nak'd and`);
      out.say(`JetStream redelivers it after ${t.describe('nakDelayMs')}; after ${t.get('maxDeliver')} failed deliveries a message is given up (term)`);
      await ensureGroup(admin.jsm, 'ORDERS', GROUP, { ackWaitMs: t.get('ackWaitMs'), maxDeliver: t.get('maxDeliver') });
      const members = await connectNats(nats.url, { name: `${GROUP}-members` });
      const events: ProcessorEvent[] = [];
      const random = seededRandom(9); // FAIL_RATE with a fixed seed: the same failures on every run
      const t0 = performance.now();
      const workers = [1, 2].map((id) =>
        startProcessor({ js: members.js, stream: 'ORDERS', group: GROUP, id, failRate: FAIL_RATE, nakDelayMs: t.get('nakDelayMs'), maxDeliver: t.get('maxDeliver'), random, onEvent: (e) => events.push(e) }),
      );
      out.say(`the 2 messages published above waited in the stream; now 10 more (ORD-1..ORD-10):`);
      for (let i = 1; i <= 10; i++) {
        await call('POST', '/api/v1/messages', { subject: 'order.created', data: { order_id: `ORD-${i}` } }, { quiet: i > 1 });
      }
      out.say('… 9 more like it');
      await call('GET', `/api/v1/consumers/ORDERS/${GROUP}`);
      const total = Number(after.body.messages) + 10;
      await waitFor(() => new Set(events.filter((e) => e.outcome === 'ack' || e.outcome === 'term').map((e) => e.seq)).size === total, { timeoutMs: 60_000 + 10 * t.get('nakDelayMs') * t.get('maxDeliver'), what: 'every message to be processed or given up' });
      const doneAt = ms(t0, events[events.length - 1].at);
      await Promise.all(workers.map((w) => w.stop())); // graceful: each finishes the message in hand
      await members.close();
      out.say('what the two members did (ms since they started):');
      out.timeline(events.map((e): TimelineEvent => ({ atMs: e.at - t0, who: e.worker, what: describeEvent(e, t.get('maxDeliver')) })));
      const summary = [1, 2].map((id) => {
        const mine = events.filter((e) => e.worker === `${GROUP}#${id}`);
        const count = (o: ProcessorEvent['outcome']) => mine.filter((e) => e.outcome === o).length;
        return { member: `${GROUP}#${id}`, acked: count('ack'), "nak'd": count('nak'), 'given up': count('term') };
      });
      out.table(summary);
      const retried = events.filter((e) => e.outcome === 'ack' && e.deliveryCount > 1);
      out.ok(`all ${total} messages handled after ${doneAt} ms; ${retried.length} of them failed first and succeeded on a later delivery`);
      await call('GET', `/api/v1/consumers/ORDERS/${GROUP}`);
      await call('GET', '/api/v1/streams/ORDERS');
      out.ok('work-queue retention: every acked (or given-up) message left the stream');

      await admin.jsm.consumers.delete('ORDERS', GROUP); // leave no durable behind: another lesson may consume ORDERS next
    } finally {
      await svc.close();
    }
    out.step('Done');
    out.say(`service closed; durable "${GROUP}" removed, ORDERS left empty for the next lesson`);
    out.say('what happens when NATS goes away (503, then recovery): README "NATS down" and test/outage.test.ts');
  } finally {
    await admin.close();
    await nats.close();
  }
});
