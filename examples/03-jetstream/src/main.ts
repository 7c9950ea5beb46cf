// The narrated demo of chapter 03: the order service publishes its three side effects to the
// ORDERS stream and gets PubAcks; durable workers ack, nak with a delay, get redeliveries after
// AckWait, term after the last try, and term malformed payloads at once (unlike the seed's code).
import { connectNats, createOutput, createShop, delay, intFlag, isApiError, makeOrder, ORDERS, ordersStreamConfig, parseFlags, publishJson, rateValue, resolveNats, runMain, STORY, STORY_LATENCY_MS, timings, waitFor, type PullWorker } from '@mq/shared';
import { takeOneAndDie } from './crash';
import { deliveryTimeline, DeliveryLog } from './delivery-log';
import { placeOrder, taskMsgId } from './order-service';
import { isStored, setupOrders, storedCount, TASK_WORKERS } from './orders-setup';
import { SeededCoin } from './seeded-coin';
import { ordersCreated, replacedBySomeoneElse, storageHint } from './shared-server';
import { startTaskWorker, stopAll } from './workers';

const USAGE = `Usage: pnpm --filter 03-jetstream start [-- options]

Retells chapter 03: orders publish email/points/push tasks to the ORDERS stream; durable
workers ack, nak, get redeliveries after AckWait and term what cannot succeed.

Options:
  --real-timings   use the story's AckWait (30 s) and nak delay (30 s); the run then takes minutes
  --orders N       orders in the flaky-email scene (default 6)
  --seed N         seed of the coin that decides which email attempts fail (default 45)
Environment:
  FAIL_RATE        share of email attempts that fail in the flaky scene, 0..1 (default 0.5)
  NATS_URL         NATS server to use (default: the local one on port 4222)`;

runMain(async () => {
  const flags = parseFlags(USAGE, { 'real-timings': { type: 'boolean' }, orders: { type: 'string' }, seed: { type: 'string' } });
  const t = timings(flags['real-timings'] ?? undefined);
  const ordersInFlakyScene = intFlag('orders', flags.orders, 6, 1, 200);
  const seed = intFlag('seed', flags.seed, 45);
  const failRate = rateValue('FAIL_RATE', process.env.FAIL_RATE, 0.5);
  const ackWaitMs = t.get('ackWaitMs');
  const nakDelayMs = t.get('nakDelayMs');
  const out = createOutput();
  const started = performance.now();

  out.chapter('03-jetstream', 'ORDERS on JetStream: PubAck, manual ack, redelivery, nak, term, dedup', '#03-jetstream');
  const svc = await resolveNats();
  out.say(svc.description);
  const nats = await connectNats(svc.url, { name: '03-jetstream demo' });
  const shop = createShop();
  const log = new DeliveryLog();
  // Decides the flaky scene's failures per (order, attempt); idle until that scene sets the fault.
  const coin = new SeededCoin(seed);
  const workers: Partial<Record<'email' | 'points' | 'push', PullWorker>> = {};
  let ours: string | undefined; // the created timestamp of the ORDERS stream this run made
  try {
    // ---------------------------------------------------------------------------------------
    out.step('Create the ORDERS stream with the story\'s configuration');
    const { deletedOld } = await setupOrders(nats.jsm, { ackWaitMs, fresh: true }).catch(async (err: unknown) => {
      throw isApiError(err, 10047) ? new Error(await storageHint(nats.jsm, svc.url)) : err;
    });
    ours = await ordersCreated(nats.jsm);
    out.say(deletedOld ? 'An ORDERS stream already existed (an earlier run, or another lesson): deleted it and created it anew, so this run starts from sequence 1.' : 'No ORDERS stream existed yet: created it.');
    const cfg = ordersStreamConfig();
    out.table([
      { setting: 'subjects', value: cfg.subjects!.join(', ') },
      { setting: 'storage', value: `${cfg.storage} (survives a restart)` },
      { setting: 'retention', value: `${cfg.retention} (an acked message is deleted)` },
      { setting: 'max age / max bytes', value: '7 days / 10 GiB, discard old' },
      { setting: 'duplicate window', value: '1 min (same Nats-Msg-Id inside it = dropped)' },
    ]);
    out.table(
      Object.values(TASK_WORKERS).map((w) => ({ durable: w.consumer, filter: w.subject, ack: 'explicit', 'ack wait': t.describe('ackWaitMs') })),
    );
    out.say('A work-queue stream lets each subject have one consumer only, so each worker filters on its own task.');

    // ---------------------------------------------------------------------------------------
    out.step('Place an order: two core steps in the request, three tasks published');
    const first = await placeOrder({ js: nats.js, shop }, makeOrder(1));
    out.table(first.published.map((p) => ({ task: p.type, subject: p.subject, 'msg id': p.msgId, 'PubAck stream': p.stream, 'PubAck seq': p.seq, duplicate: p.duplicate })));
    const sync = Object.values(STORY_LATENCY_MS).reduce((a, b) => a + b, 0);
    out.ok(`order ${first.orderId} answered in ${Math.round(first.totalMs)} ms: core steps ${Math.round(first.coreMs)} ms (50 + 100), publishing 3 tasks ${first.publishMs.toFixed(1)} ms`);
    out.say(`(the synchronous version waited for all five services: ${sync} ms)`);

    // ---------------------------------------------------------------------------------------
    out.step('The producer retries a publish (no PubAck seen): same message id, inside the window');
    const email1 = first.published[0];
    const retry = await publishJson(nats.js, email1.subject, { orderId: first.orderId, email: makeOrder(1).email, subject: 'Order confirmation' }, { msgID: taskMsgId(first.orderId, 'send_email') });
    out.table([{ publish: 'original', seq: email1.seq, duplicate: email1.duplicate }, { publish: 'retry', seq: retry.seq, duplicate: retry.duplicate }]);
    out.ok(`PubAck says duplicate: ${retry.duplicate}; ORDERS still holds ${await storedCount(nats.jsm)} messages, not 4`);

    // ---------------------------------------------------------------------------------------
    out.step(`A worker takes the email and dies before acking; AckWait is ${t.describe('ackWaitMs')}`);
    let t0 = performance.now();
    const doomed = await connectNats(svc.url, { name: '03-jetstream doomed worker' });
    const died = await takeOneAndDie(doomed, TASK_WORKERS.send_email.consumer, log);
    let runSeedCode = false; // step 7 swaps the email worker's code for the seed's, then back
    // One message per fetch: a message waiting in a client-side batch is already on its AckWait
    // clock, and ten 200 ms emails would outlast the scaled 1 s AckWait (see the README).
    const opts = { nakDelayMs, log, batch: 1 };
    workers.email = startTaskWorker(nats.js, shop, 'send_email', { ...opts, coin, seedStyle: () => runSeedCode });
    workers.points = startTaskWorker(nats.js, shop, 'add_points', opts);
    workers.push = startTaskWorker(nats.js, shop, 'send_push', opts);
    await waitFor(() => log.forSeq(died.seq).some((d) => d.outcome === 'ack'), { timeoutMs: ackWaitMs + 10_000, what: 'the email to be redelivered and acked' });
    await waitFor(async () => (await storedCount(nats.jsm)) === 0, { timeoutMs: 5_000, what: 'ORDERS to be empty' });
    out.timeline(deliveryTimeline(log.entries.filter((d) => d.atMs >= t0), t0));
    const redelivered = log.forSeq(died.seq)[1];
    out.ok(`seq ${died.seq} came back ${Math.round(redelivered.atMs - died.atMs)} ms after the crash, delivery #${redelivered.deliveryCount}, and was acked`);
    out.ok('ORDERS now holds 0 messages: on a work-queue stream the ack is what deletes a message');

    // ---------------------------------------------------------------------------------------
    out.step(`SMTP refuses once: the worker naks with a delay of ${t.describe('nakDelayMs')}`);
    const coins = [0, 0.99];
    shop.email.fault = { kind: 'flaky', rate: 0.5, random: () => coins.shift() ?? 0.99 };
    t0 = performance.now();
    const second = await placeOrder({ js: nats.js, shop }, makeOrder(2));
    const seq2 = second.published[0].seq;
    await waitFor(() => log.forSeq(seq2).some((d) => d.outcome === 'ack'), { timeoutMs: nakDelayMs + 10_000, what: 'the retry to be acked' });
    out.timeline(deliveryTimeline(log.forSeq(seq2), t0));
    const [n1, n2] = log.forSeq(seq2);
    out.ok(`redelivered ${Math.round(n2.atMs - n1.decidedAtMs!)} ms after the nak (asked for ${nakDelayMs} ms; the failed SMTP attempt itself took ${Math.round(n1.decidedAtMs! - n1.atMs)} ms), acked on delivery #${n2.deliveryCount}`);
    shop.email.fault = { kind: 'none' };

    // ---------------------------------------------------------------------------------------
    out.step(`SMTP is down: after delivery #${STORY.maxDeliver} (NumDelivered > 3) the worker terms it`);
    shop.email.fault = { kind: 'down' };
    t0 = performance.now();
    const third = await placeOrder({ js: nats.js, shop }, makeOrder(3));
    const seq3 = third.published[0].seq;
    await waitFor(() => log.forSeq(seq3).some((d) => d.outcome === 'term'), { timeoutMs: STORY.maxDeliver * nakDelayMs + 10_000, what: 'the worker to give up' });
    shop.email.fault = { kind: 'none' };
    const watchMs = Math.max(ackWaitMs, nakDelayMs) + 100;
    await delay(watchMs); // an observation window: would it come back?
    out.timeline(deliveryTimeline(log.forSeq(seq3), t0));
    const ci = await nats.jsm.consumers.info(ORDERS, TASK_WORKERS.send_email.consumer);
    const after = log.forSeq(seq3).length - STORY.maxDeliver;
    (after === 0 ? out.ok : out.bad)(`delivered exactly ${log.forSeq(seq3).length} times; watched ${watchMs} ms more with SMTP healthy again: ${after === 0 ? 'no further delivery' : `${after} more deliveries!`}`);
    out.ok(`email-worker owes nothing (ack pending ${ci.num_ack_pending}, pending ${ci.num_pending}) and ORDERS no longer holds seq ${seq3}: ${!(await isStored(nats.jsm, seq3))}`);
    out.say('Terminated means dropped here; chapter 07 parks such messages in a dead-letter queue instead.');

    // ---------------------------------------------------------------------------------------
    out.step('A malformed payload: the seed naks it forever, the corrected worker terms it');
    runSeedCode = true;
    const broken = (await nats.js.publish('order.email', '{"orderId": "ORD-0004", "email": ')).seq;
    await waitFor(() => log.forSeq(broken).length >= 20, { timeoutMs: 5_000, what: '20 deliveries of the broken message' });
    runSeedCode = false;
    const spins = log.forSeq(broken).filter((d) => d.by.includes('seed'));
    out.bad(`seed's worker: seq ${broken} delivered ${spins.length} times in ${Math.round(spins.at(-1)!.atMs - spins[0].atMs)} ms, nak'd every time (no delay, no limit), still stored: ${await isStored(nats.jsm, broken)}`);
    const ended = await waitFor(() => log.forSeq(broken).find((d) => d.outcome === 'term'), { timeoutMs: 5_000, what: 'the corrected worker to term it' });
    out.ok(`back to the corrected code: it termed the message on its first look (delivery #${ended.deliveryCount}): ${ended.detail}`);
    const html = (await nats.js.publish('order.email', '<html>502 Bad Gateway</html>')).seq;
    const once = await waitFor(() => log.forSeq(html).find((d) => d.outcome === 'term'), { timeoutMs: 5_000, what: 'the HTML payload to be termed' });
    out.ok(`a fresh malformed message (seq ${html}) is termed on delivery #${once.deliveryCount}: ${once.detail}`);

    // ---------------------------------------------------------------------------------------
    out.step(`A flaky SMTP server: FAIL_RATE=${failRate}, ${ordersInFlakyScene} orders (seed ${seed})`);
    shop.email.fault = coin.fault(failRate);
    const orders = Array.from({ length: ordersInFlakyScene }, (_, i) => makeOrder(100 + i));
    const placed = await Promise.all(orders.map((o) => placeOrder({ js: nats.js, shop }, o)));
    const emailSeqs = new Set(placed.map((p) => p.published[0].seq));
    const finished = () => [...emailSeqs].every((s) => log.forSeq(s).some((d) => d.outcome === 'ack' || d.outcome === 'term'));
    await waitFor(finished, { timeoutMs: STORY.maxDeliver * nakDelayMs + 15_000, what: 'every email to be acked or termed' });
    out.table(
      orders.map((o) => {
        const ds = log.forOrder(o.id, 'order.email');
        return { order: o.id, deliveries: ds.length, attempts: ds.map((d) => (d.outcome === 'ack' ? '✔' : '✘')).join(' '), outcome: ds.at(-1)?.outcome };
      }),
    );
    const scene = orders.flatMap((o) => log.forOrder(o.id, 'order.email'));
    const count = (o: string) => scene.filter((d) => d.outcome === o).length;
    (count('term') === 0 ? out.ok : out.bad)(`${count('ack')} acked, ${count('nak')} nak'd and retried, ${count('term')} termed after ${STORY.maxDeliver} deliveries`);
    await waitFor(async () => (await storedCount(nats.jsm)) === 0, { timeoutMs: 5_000, what: 'ORDERS to be empty' });
    out.ok('ORDERS is empty again: every task was acked (or deliberately termed)');
  } catch (err) {
    const why = await replacedBySomeoneElse(nats.jsm, ours);
    throw why ? new Error(`${why} (${(err as Error).message})`) : err;
  } finally {
    await stopAll(Object.values(workers));
    // Delete ORDERS only if it is still the one this run created.
    if (ours && (await ordersCreated(nats.jsm).catch(() => undefined)) === ours) await nats.jsm.streams.delete(ORDERS);
    await nats.close();
    await svc.close();
  }
  out.say('');
  out.say(`Cleaned up: deleted the ORDERS stream. Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
});
