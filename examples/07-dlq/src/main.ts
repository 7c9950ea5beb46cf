// The narrated demo of lesson 07: a poison message retried with a delay and then dead-lettered by
// the business layer; a malformed payload dead-lettered at once; the server's max-deliveries
// advisory as the safety net for a worker with no DLQ code; and a redrive once the faults are fixed.
import { connectNats, createOutput, createShop, delay, deleteStreamIfExists, ensureDurable, ensureStream, makeOrder, ORDERS, parseFlags, publishJson, PullWorker, pushTask, emailTask, resolveNats, runMain, timings, waitFor, type TimelineEvent } from '@mq/shared';
import { startAdvisoryWatcher, WATCHER_CONSUMER, type WatcherOutcome } from './advisory-watcher';
import { listDeadLetters, type DeadLetter } from './dead-letter';
import { withDeadLetters, type Outcome } from './dead-letter-policy';
import { redrive } from './dlq-redrive';
import { DLQ_STREAM, DLQ_SUBJECTS, dlqStreamConfig, MAX_DELIVERIES_STREAM, setupTopology } from './topology';
import { emailHandler, pushHandler, Refusals, type Attempt } from './workers';

const USAGE = `Usage: pnpm --filter 07-dlq start [-- options]

  --real-timings    the story's own durations (nak delay 30 s, AckWait 30 s)
  -h, --help        this text`;

runMain(async () => {
  parseFlags(USAGE, { 'real-timings': { type: 'boolean' } });
  const t = timings();
  const nakDelayMs = t.get('nakDelayMs');
  const maxDeliveries = t.get('maxDeliver');
  const ackWaitMs = t.get('ackWaitMs');
  const out = createOutput();
  const started = performance.now();

  out.chapter('07-dlq', 'Retry, then dead-letter: nothing lost, nothing retried forever', '#07-dlq');
  const service = await resolveNats();
  out.say(service.description);
  const nats = await connectNats(service.url, { name: '07-dlq' });
  const { js, jsm } = nats;
  const shop = createShop(t.real ? {} : { email: 50, push: 20 });
  const relay = new Refusals<string>().refuse('vip@mail.invalid', '550 5.1.2 mail.invalid: no MX record for the domain');
  const apns = new Refusals<number>().refuse(1003, '410 Unregistered: device token no longer valid');
  const workers: PullWorker[] = [];
  try {
    out.step('Where do dead letters go? order.email -> order.email.dlq');
    await setupTopology(jsm, { fresh: true, dlq: false });
    try {
      await js.publish('order.email.dlq', '{}');
      out.bad('order.email.dlq was captured by some stream: unexpected on a fresh setup');
    } catch (err) {
      out.bad(`publish order.email.dlq with only ORDERS (order.*) -> "${(err as Error).message}": "*" is one token, .dlq makes three`);
    }
    await ensureStream(jsm, dlqStreamConfig());
    out.ok(`stream ${DLQ_STREAM} on "${DLQ_SUBJECTS}": limits retention, 30 days, no consumer of the main workers reads it`);

    out.step("The seed's email worker meets a payload that is not JSON: it nak()s it");
    await ensureDurable(jsm, ORDERS, 'seed-email-worker', { filterSubject: 'order.email', ackWaitMs });
    await js.publish('order.email', 'order #1001 for bob');
    let seedDeliveries = 0;
    const seedWorker = new PullWorker({
      js,
      stream: ORDERS,
      consumer: 'seed-email-worker',
      handler: (msg) => {
        seedDeliveries = msg.info.deliveryCount;
        try {
          JSON.parse(msg.string());
          return 'ack';
        } catch {
          return { nak: true }; // seed 001: msg.Nak() on a parse error: "put it back in the queue"
        }
      },
    }).start();
    await delay(1_000); // a demo: watch it spin for one second
    await seedWorker.stop();
    out.bad(`delivered ${seedDeliveries} times in 1 s, and it would never stop: no retry limit, and no retry can fix bad JSON`);
    await jsm.consumers.delete(ORDERS, 'seed-email-worker');
    await jsm.streams.purge(ORDERS);

    out.step(`(a) The business layer: up to ${maxDeliveries} deliveries, then dead-letter`);
    out.say(`nak delay between deliveries: ${t.describe('nakDelayMs')}`);
    const t0 = performance.now();
    const at = () => performance.now() - t0;
    const timeline: TimelineEvent[] = [];
    const outcomes: Outcome[] = [];
    const seen: Attempt[] = [];
    await ensureDurable(jsm, ORDERS, 'email-worker', { filterSubject: 'order.email', ackWaitMs });
    const emailWorker = new PullWorker({
      js,
      stream: ORDERS,
      consumer: 'email-worker',
      handler: withDeadLetters(emailHandler(shop.email, relay, seen), {
        js,
        maxDeliveries,
        nakDelayMs,
        onOutcome: (o) => {
          outcomes.push(o);
          timeline.push({ atMs: at(), who: 'email-worker', what: describeOutcome(o, seen) });
        },
      }),
    }).start();
    workers.push(emailWorker);
    const poison = makeOrder(1, { email: 'vip@mail.invalid' });
    const good = [2, 3, 4, 5, 6].map((n) => makeOrder(n));
    out.say(`publishing ${poison.id} (to ${poison.email}; the relay rejects that domain) first, then ${good.map((o) => o.id).join(', ')}`);
    const poisonSeq = (await publishJson(js, 'order.email', emailTask(poison))).seq;
    for (const o of good) await publishJson(js, 'order.email', emailTask(o));
    const deadLettered = (seq: number) => outcomes.find((o) => o.kind === 'dead-lettered' && o.seq === seq);
    await waitFor(() => deadLettered(poisonSeq) && good.every((g) => shop.email.applied.includes(g.id)), {
      timeoutMs: maxDeliveries * nakDelayMs + 30_000,
      what: 'the poison dead-lettered and the good orders sent',
    });
    out.timeline(timeline);
    const poisonDeliveries = seen.filter((s) => s.seq === poisonSeq).length;
    const dlqAt = timeline[outcomes.indexOf(deadLettered(poisonSeq)!)].atMs;
    const lastGood = Math.max(...outcomes.filter((o) => o.kind === 'ok').map((o) => timeline[outcomes.indexOf(o)].atMs));
    out.ok(`${poison.id} delivered ${poisonDeliveries} times, then dead-lettered and term()'d; the ${good.length} good orders were all sent by +${Math.round(lastGood)} ms, before it gave up at +${Math.round(dlqAt)} ms`);

    out.step('A malformed payload goes straight to the DLQ: no retry can fix it');
    const badSeq = (await js.publish('order.email', 'order #1001 for bob')).seq;
    const malformed = await waitFor(() => deadLettered(badSeq), { what: 'the malformed payload dead-lettered' });
    out.ok(`"order #1001 for bob" dead-lettered on delivery ${malformed.delivery}: ${malformed.kind === 'dead-lettered' ? malformed.error : ''}`);

    out.step(`What the DLQ holds (read by sequence; nothing consumes it)`);
    out.table((await listDeadLetters(jsm)).map(dlqRow));

    out.step(`(b) The server as a safety net: a push worker with NO dead-letter code, consumer max_deliver ${maxDeliveries}`);
    const pushSeen: Attempt[] = [];
    await ensureDurable(jsm, ORDERS, 'push-worker', { filterSubject: 'order.push', ackWaitMs, maxDeliver: maxDeliveries });
    workers.push(new PullWorker({ js, stream: ORDERS, consumer: 'push-worker', errorNakDelayMs: nakDelayMs, handler: pushHandler(shop.push, apns, pushSeen) }).start());
    const revoked = makeOrder(7, { userId: 1003 });
    const pushGood = [8, 9, 10].map((n) => makeOrder(n, { userId: 1000 + n }));
    out.say(`publishing a push for ${revoked.id} (user 1003, whose device token was revoked), then ${pushGood.map((o) => o.id).join(', ')}`);
    const revokedAck = await publishJson(js, 'order.push', pushTask(revoked));
    for (const o of pushGood) await publishJson(js, 'order.push', pushTask(o));
    await waitFor(async () => (await jsm.streams.info(MAX_DELIVERIES_STREAM)).state.messages === 1, {
      timeoutMs: maxDeliveries * nakDelayMs + 30_000,
      what: 'the MAX_DELIVERIES advisory',
    });
    const zombie = await jsm.streams.getMessage(ORDERS, { seq: revokedAck.seq });
    const pushInfo = await jsm.consumers.info(ORDERS, 'push-worker');
    out.say(`handler saw ${revoked.id} ${pushSeen.filter((s) => s.key === revoked.id).length} times; then the server published $JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.ORDERS.push-worker`);
    out.bad(`ORDERS still holds it (seq ${revokedAck.seq}: ${zombie ? 'present' : 'gone'}) while push-worker has ${pushInfo.num_pending} pending, ${pushInfo.num_ack_pending} unacked: on a work-queue stream it would sit there until max_age, delivered to no one`);
    const watcherOutcomes: WatcherOutcome[] = [];
    workers.push(await startAdvisoryWatcher({ js, jsm, onOutcome: (o) => watcherOutcomes.push(o) }));
    await waitFor(() => watcherOutcomes.length === 1, { what: 'the watcher to handle the advisory' });
    const w = watcherOutcomes[0];
    out.ok(`${WATCHER_CONSUMER} (advisories kept in stream ${MAX_DELIVERIES_STREAM}): fetched seq ${w.advisory.stream_seq} by sequence, dead-lettered it${w.kind === 'dead-lettered' && w.deletedOriginal ? ', deleted the stranded original' : ''}`);
    out.say('The server cannot say WHY it failed; the business layer (a) can. Use both: (a) for the errors your code sees, (b) for the ones it never gets to report (a hang past AckWait, a crash).');
    out.table((await listDeadLetters(jsm)).map(dlqRow));

    out.step('The relay domain is fixed and user 1003 re-registers: redrive');
    relay.fix(poison.email);
    apns.fix(1003);
    const redriven = await redrive(nats);
    out.table(redriven.map((r) => ({ 'dlq seq': r.letter.dlqSeq, 'back to': r.letter.original.subject, 'new seq': r.seq, was: r.letter.reason })));
    await waitFor(async () => shop.email.applied.includes(poison.id) && shop.push.applied.includes(revoked.id) && (await listDeadLetters(jsm)).length === 1, {
      what: 'the redriven messages processed, the malformed one back in the DLQ',
    });
    out.ok(`${poison.id} email sent ${shop.email.applied.filter((id) => id === poison.id).length} time(s); ${revoked.id} push sent ${shop.push.applied.filter((id) => id === revoked.id).length} time(s)`);
    const left = await listDeadLetters(jsm);
    out.bad(`the malformed payload came straight back (DLQ seq ${left[0].dlqSeq}, delivery ${left[0].deliveries}): it needs a fixed producer or a human, not a redrive`);
    if (service.source !== 'private') out.say(`It stays in ${DLQ_STREAM}: try \`pnpm --filter 07-dlq redrive -- --dry-run\`.`);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    for (const c of ['email-worker', 'push-worker']) await jsm.consumers.delete(ORDERS, c).catch(() => {});
    await deleteStreamIfExists(jsm, MAX_DELIVERIES_STREAM);
    await nats.close();
    await service.close();
  }
  out.say('');
  out.say(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
});

function describeOutcome(o: Outcome, seen: Attempt[]): string {
  const key = seen.find((s) => s.seq === o.seq)?.key ?? `seq ${o.seq}`;
  switch (o.kind) {
    case 'ok':
      return `${key} sent (delivery ${o.delivery}) ✔`;
    case 'retry':
      return `${key} failed on delivery ${o.delivery}: ${o.error}; nak, retry in ${o.delayMs} ms`;
    case 'dead-lettered':
      return `${key} failed on delivery ${o.delivery}: dead-lettered (DLQ seq ${o.dlqSeq}, ${o.reason}) and term()'d`;
    case 'dlq-failed':
      return `${key}: could not write the dead letter (${o.dlqError}); nak, try again`;
  }
}

function dlqRow(d: DeadLetter) {
  return {
    'dlq seq': d.dlqSeq,
    subject: d.dlqSubject,
    'orig seq': d.original.seq,
    consumer: d.consumer,
    deliveries: d.deliveries,
    reason: d.reason,
    'last error': d.error.length > 58 ? `${d.error.slice(0, 55)}...` : d.error,
  };
}
