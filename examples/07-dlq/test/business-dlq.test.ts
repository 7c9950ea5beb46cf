// (a) The business-layer dead letter against a private nats-server: a poison message is delivered
// exactly maxDeliveries times without blocking the good ones, lands once in the DLQ with its
// metadata, and after a redrive is processed exactly once; malformed payloads skip the retries;
// a DLQ that cannot be written never costs the message; and the seed's nak-on-parse-error spins.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { emailTask, ensureDurable, ensureStream, makeOrder, publishJson, PullWorker, waitFor } from '@mq/shared';
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { DLQ_HEADERS, listDeadLetters, publishDeadLetter } from '../src/dead-letter';
import { redrive, redriveMsgId } from '../src/redrive';
import { DLQ_STREAM, dlqStreamConfig, dlqSubjectFor, ORDERS_STREAM, setup, SUBJECTS } from '../src/setup';
import { seedNakHandler } from '../src/handler';
import { emailRig, messagesIn, type Rig } from './rig';

let fx: NatsFixture;
let rig: Rig<string> | undefined;
beforeAll(async () => {
  fx = await privateNats();
});
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});
afterAll(() => fx?.dispose());

const dec = new TextDecoder();

describe('07-dlq (a): dead letters from the business layer', () => {
  it('retries a poison message exactly 4 times without blocking the good ones, dead-letters it once, and redrives it exactly once', async () => {
    await setup(fx.nats.jsm, { fresh: true });
    rig = await emailRig(fx, { maxDeliveries: 4, nakDelayMs: 150 });
    rig.refusals.refuse('vip@mail.invalid', '550 5.1.2 mail.invalid: no MX record');
    const poison = makeOrder(1, { email: 'vip@mail.invalid' });
    const good = Array.from({ length: 8 }, (_, i) => makeOrder(i + 2));
    const poisonSeq = (await publishJson(fx.nats.js, SUBJECTS.email, emailTask(poison))).seq;
    for (const o of good) await publishJson(fx.nats.js, SUBJECTS.email, emailTask(o));

    const r = rig;
    const dead = await waitFor(() => r.outcomes.find((o) => o.kind === 'dead-lettered' && o.seq === poisonSeq), { what: 'the poison dead-lettered' });
    await waitFor(async () => (await messagesIn(fx.nats.jsm, ORDERS_STREAM)) === 0, { what: 'ORDERS_STREAM empty' });

    // Delivered exactly maxDeliveries times: 3 retries, then the DLQ on the 4th failure.
    expect(r.seen.filter((s) => s.seq === poisonSeq).map((s) => s.delivery), 'deliveries of the poison order').toEqual([1, 2, 3, 4]);
    expect(r.outcomes.filter((o) => o.seq === poisonSeq).map((o) => o.kind)).toEqual(['retry', 'retry', 'retry', 'dead-lettered']);
    // Never blocking: every good order (published after the poison) was sent once; the first one
    // while the poison waited for its second delivery, all of them before it was dead-lettered.
    expect([...r.shop.email.applied].sort()).toEqual(good.map((o) => o.id));
    const secondDelivery = r.seen.find((s) => s.seq === poisonSeq && s.delivery === 2)!.atMs;
    const sent = r.outcomes.filter((x) => x.kind === 'ok').map((o) => o.atMs);
    expect(Math.min(...sent)).toBeLessThan(secondDelivery);
    expect(Math.max(...sent)).toBeLessThan(dead.atMs);
    // The worker only ever saw its own subject: the DLQ is another stream.
    expect(new Set(r.seen.map((s) => s.subject))).toEqual(new Set([SUBJECTS.email]));

    // Once in the DLQ, with its metadata in headers.
    const letters = await listDeadLetters(fx.nats.jsm);
    expect(letters).toHaveLength(1);
    const [letter] = letters;
    expect(letter).toMatchObject({
      dlqSubject: dlqSubjectFor(SUBJECTS.email),
      original: { subject: SUBJECTS.email, stream: ORDERS_STREAM, seq: poisonSeq },
      consumer: 'email-worker',
      deliveries: 4,
      reason: 'retries-exhausted',
    });
    expect(letter.error).toBe('RejectedError: 550 5.1.2 mail.invalid: no MX record');
    expect(JSON.parse(dec.decode(letter.data))).toEqual(emailTask(poison));
    const raw = await fx.nats.jsm.streams.getMessage(DLQ_STREAM, { seq: letter.dlqSeq });
    expect(raw!.header.get(DLQ_HEADERS.seq)).toBe(String(poisonSeq));
    expect(raw!.header.get(DLQ_HEADERS.deliveries)).toBe('4');
    expect(Date.parse(raw!.header.get(DLQ_HEADERS.failedAt)), `${DLQ_HEADERS.failedAt} is a time`).not.toBeNaN();
    expect(Date.parse(raw!.header.get(DLQ_HEADERS.publishedAt)), `${DLQ_HEADERS.publishedAt} is a time`).not.toBeNaN();

    // Fix the fault, redrive: processed exactly once, DLQ empty.
    r.refusals.fix('vip@mail.invalid');
    const before = r.seen.length;
    const redriven = await redrive(fx.nats);
    expect(redriven.map((x) => [x.stream, x.duplicate])).toEqual([[ORDERS_STREAM, false]]);
    await waitFor(async () => r.shop.email.applied.includes(poison.id) && (await messagesIn(fx.nats.jsm, ORDERS_STREAM)) === 0, { what: 'the redriven email sent and acked' });
    expect(r.shop.email.applied.filter((id) => id === poison.id)).toHaveLength(1);
    expect(r.seen.slice(before).map((s) => [s.seq, s.delivery])).toEqual([[redriven[0].seq, 1]]);
    expect(await listDeadLetters(fx.nats.jsm)).toEqual([]);
  });

  it('sends a malformed payload straight to the DLQ on delivery 1, naming the parse error', async () => {
    await setup(fx.nats.jsm, { fresh: true });
    rig = await emailRig(fx);
    const notJson = (await fx.nats.js.publish(SUBJECTS.email, 'order #1001 for bob')).seq;
    const noEmail = (await publishJson(fx.nats.js, SUBJECTS.email, { orderId: 'ORD-0009', subject: 'Order confirmation' })).seq;
    const r = rig;
    await waitFor(() => r.outcomes.filter((o) => o.kind === 'dead-lettered').length === 2, { what: 'both dead-lettered' });
    expect(r.seen.map((s) => [s.seq, s.delivery])).toEqual([
      [notJson, 1],
      [noEmail, 1],
    ]);
    const letters = await listDeadLetters(fx.nats.jsm);
    expect(letters.map((l) => [l.original.seq, l.deliveries, l.reason, l.error])).toEqual([
      [notJson, 1, 'malformed', 'MalformedPayloadError: payload is not JSON: "order #1001 for bob"'],
      [noEmail, 1, 'malformed', 'MalformedPayloadError: payload lacks field "email"'],
    ]);
    expect(r.shop.email.calls).toEqual([]); // the relay was never bothered
    expect(await messagesIn(fx.nats.jsm, ORDERS_STREAM)).toBe(0);
  });

  it('keeps a message it cannot dead-letter: the DLQ publish fails, so it naks instead of terming', async () => {
    await setup(fx.nats.jsm, { fresh: true, dlq: false }); // no stream captures order.email.dlq yet
    rig = await emailRig(fx, { nakDelayMs: 30 });
    const seq = (await fx.nats.js.publish(SUBJECTS.email, 'not json')).seq;
    const r = rig;
    await waitFor(() => r.outcomes.filter((o) => o.kind === 'dlq-failed').length >= 2, { what: 'two failed DLQ writes' });
    expect(r.outcomes.find((o) => o.kind === 'dlq-failed')).toMatchObject({ seq, delivery: 1, dlqError: 'jetstream is not enabled' });
    expect(await messagesIn(fx.nats.jsm, ORDERS_STREAM)).toBe(1); // still there, not termed

    await ensureStream(fx.nats.jsm, dlqStreamConfig());
    await waitFor(async () => (await listDeadLetters(fx.nats.jsm)).length === 1 && (await messagesIn(fx.nats.jsm, ORDERS_STREAM)) === 0, { what: 'dead-lettered once the DLQ exists' });
    const [letter] = await listDeadLetters(fx.nats.jsm);
    expect(letter.original.seq).toBe(seq);
    expect(letter.deliveries).toBeGreaterThanOrEqual(3);
  });

  it('keeps one DLQ entry per original, and one redriven copy per DLQ entry, across crashes', async () => {
    await setup(fx.nats.jsm, { fresh: true });
    const input = { subject: SUBJECTS.email, stream: ORDERS_STREAM, seq: 42, consumer: 'email-worker', deliveries: 4, error: 'boom', reason: 'retries-exhausted' as const, data: new TextEncoder().encode('{}') };
    const first = await publishDeadLetter(fx.nats.js, input);
    const again = await publishDeadLetter(fx.nats.js, { ...input, deliveries: 5 });
    expect([first.duplicate, again.duplicate]).toEqual([false, true]);
    expect(await listDeadLetters(fx.nats.jsm)).toHaveLength(1);

    // A redrive that died after republishing, before deleting the DLQ entry, is run again: ORDERS_STREAM'
    // duplicate window drops the second copy, and the DLQ entry is removed this time.
    const [letter] = await listDeadLetters(fx.nats.jsm);
    const interrupted = await fx.nats.js.publish(letter.original.subject, letter.data, { msgID: redriveMsgId(letter.dlqSeq) });
    const [rerun] = await redrive(fx.nats);
    expect([rerun.duplicate, rerun.seq]).toEqual([true, interrupted.seq]);
    expect(await messagesIn(fx.nats.jsm, ORDERS_STREAM)).toBe(1);
    expect(await listDeadLetters(fx.nats.jsm)).toEqual([]);
  });

  it("the seed's worker (nak on a parse error, no max_deliver) redelivers a bad payload without end", async () => {
    await setup(fx.nats.jsm, { fresh: true });
    await ensureDurable(fx.nats.jsm, ORDERS_STREAM, 'seed-email-worker', { filterSubject: SUBJECTS.email });
    await fx.nats.js.publish(SUBJECTS.email, 'order #1001 for bob');
    let deliveries = 0;
    const worker = new PullWorker({
      js: fx.nats.js,
      stream: ORDERS_STREAM,
      consumer: 'seed-email-worker',
      backoff: { initialMs: 20, maxMs: 200 },
      handler: seedNakHandler((n) => (deliveries = n)),
    }).start();
    await waitFor(() => deliveries >= 50, { timeoutMs: 5_000, what: '50 deliveries of the same message' });
    await worker.stop();
    expect(await messagesIn(fx.nats.jsm, ORDERS_STREAM)).toBe(1); // and it is still there
  });
});
