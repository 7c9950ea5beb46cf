// The narrated demo of chapter 03: the order service publishes its three side effects to lesson
// 03's copy of the ORDERS stream and gets PubAcks; the workers (this lesson's own loop, worker.ts)
// ack, nak with a delay, get redeliveries after AckWait, term after the last try, and term
// malformed payloads at once (unlike the seed's code). Then "exactly once" examined, and what a
// current server adds. Everything it creates is removed at the end and on Ctrl-C.
import { cleanupOnExit, connectNats, createOutput, createShop, deleteStreamIfExists, intFlag, isApiError, parseFlags, rateValue } from '@mq/shared';
import { resolveNats, runMain, timings } from '@mq/shared';
import { DeliveryLog } from './delivery-log';
import { LATER_STREAM } from './current-server';
import { DEDUP_STREAM } from './exactly-once';
import { currentServer } from './scene-current-server';
import type { SceneContext } from './scene-context';
import { crashBeforeAck } from './scene-crash';
import { exactlyOnce } from './scene-exactly-once';
import { flakySmtp } from './scene-flaky';
import { malformedPayload } from './scene-malformed';
import { placeFirstOrder, showStream } from './scene-publish';
import { nakWithDelay, termAfterLastTry } from './scene-retry';
import { SeededCoin } from './seeded-coin';
import { setupOrders, STREAM } from './setup';
import { ordersCreated, replacedBySomeoneElse, storageHint } from './shared-server';
import { stopAll } from './task-workers';

const USAGE = `Usage: pnpm --filter 03-jetstream start [-- options]

Retells chapter 03: orders publish email/points/push tasks to the ORDERS stream (lesson 03's
copy, L03_ORDERS); workers ack, nak, get redeliveries after AckWait and term what cannot succeed.

Options:
  --real-timings   use the story's AckWait (30 s), nak delay (30 s) and dedup window (1 min); minutes
  --orders N       orders in the flaky-email scene (default 6)
  --seed N         seed of the coin that decides which email attempts fail (default 45)
Environment:
  FAIL_RATE        share of email attempts that fail in the flaky scene, 0..1 (default 0.5)
  NATS_URL         NATS server to use (default: the local one on port 4222)`;

runMain(async () => {
  const flags = parseFlags(USAGE, { 'real-timings': { type: 'boolean' }, orders: { type: 'string' }, seed: { type: 'string' } });
  const t = timings(flags['real-timings'] ?? undefined);
  const flaky = {
    orders: intFlag('orders', flags.orders, 6, 1, 200),
    seed: intFlag('seed', flags.seed, 45),
    failRate: rateValue('FAIL_RATE', process.env.FAIL_RATE, 0.5),
  };
  const out = createOutput();
  const started = performance.now();

  out.chapter('03-jetstream', 'ORDERS on JetStream: PubAck, manual ack, redelivery, nak, term, dedup', '#03-jetstream');
  const svc = await resolveNats();
  const nats = await connectNats(svc.url, { name: '03-jetstream demo' });
  out.say(svc.description);
  const c: SceneContext = {
    out, svc, nats, t, ackWaitMs: t.get('ackWaitMs'), nakDelayMs: t.get('nakDelayMs'),
    shop: createShop(), log: new DeliveryLog(), coin: new SeededCoin(flaky.seed), workers: [], seedCode: { on: false },
  };
  let ours: string | undefined; // the created timestamp of the L03_ORDERS this run made
  const cleanup = cleanupOnExit(async () => {
    await stopAll(c.workers);
    // Delete L03_ORDERS only if it is still the one this run created; the scratch streams always.
    if (ours && (await ordersCreated(nats.jsm).catch(() => undefined)) === ours) await nats.jsm.streams.delete(STREAM);
    for (const s of [DEDUP_STREAM, LATER_STREAM]) await deleteStreamIfExists(nats.jsm, s);
    await nats.close();
    await svc.close();
  });
  try {
    const { deletedOld } = await setupOrders(nats.jsm, { ackWaitMs: c.ackWaitMs, fresh: true }).catch(async (err: unknown) => {
      throw isApiError(err, 10047) ? new Error(await storageHint(nats.jsm, svc.url)) : err;
    });
    ours = await ordersCreated(nats.jsm);
    showStream(c, deletedOld);
    await placeFirstOrder(c);
    await crashBeforeAck(c);
    await nakWithDelay(c);
    await termAfterLastTry(c);
    await malformedPayload(c);
    await flakySmtp(c, flaky);
    await exactlyOnce(c);
    await currentServer(c);
  } catch (err) {
    const why = await replacedBySomeoneElse(nats.jsm, ours);
    throw why ? new Error(`${why} (${(err as Error).message})`) : err;
  } finally {
    await cleanup();
  }
  out.say('');
  out.say(`Cleaned up: deleted ${STREAM} and the scratch streams. Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
});
