// Test scaffolding for lesson 07 (not a test file): a worker on ORDERS with everything it did
// recorded, and a fast teardown.
import { createShop, ensureDurable, ORDERS, PullWorker, type Handler, type Shop } from '@mq/shared';
import { type NatsFixture } from '@mq/shared/testing';
import type { JetStreamManager } from '@nats-io/jetstream';
import { withDeadLetters, type Outcome } from '../src/dead-letter-policy';
import { emailHandler, pushHandler, Refusals, type Attempt } from '../src/workers';

export interface Rig<K> {
  shop: Shop;
  refusals: Refusals<K>;
  seen: Attempt[];
  outcomes: (Outcome & { atMs: number })[];
  worker: PullWorker;
  stop(): Promise<void>;
}

const clock = () => performance.now();

/** The email worker with the business-layer DLQ (a). */
export async function emailRig(fx: NatsFixture, opts: { maxDeliveries?: number; nakDelayMs?: number } = {}): Promise<Rig<string>> {
  const shop = createShop({ email: 5 });
  const refusals = new Refusals<string>();
  const seen: Attempt[] = [];
  const outcomes: Rig<string>['outcomes'] = [];
  const handler = withDeadLetters(emailHandler(shop.email, refusals, seen, clock), {
    js: fx.nats.js,
    maxDeliveries: opts.maxDeliveries ?? 4,
    nakDelayMs: opts.nakDelayMs ?? 60,
    onOutcome: (o) => outcomes.push({ ...o, atMs: clock() }),
  });
  const worker = await start(fx, 'email-worker', 'order.email', handler);
  return { shop, refusals, seen, outcomes, worker, stop: () => stopFast(fx.nats.jsm, 'email-worker', worker) };
}

/** The push worker with no DLQ code (b): it throws, the PullWorker naks, max_deliver counts. */
export async function pushRig(fx: NatsFixture, opts: { maxDeliver?: number; nakDelayMs?: number } = {}): Promise<Rig<number>> {
  const shop = createShop({ push: 5 });
  const refusals = new Refusals<number>();
  const seen: Attempt[] = [];
  const worker = await start(fx, 'push-worker', 'order.push', pushHandler(shop.push, refusals, seen, clock), opts.maxDeliver ?? 4, opts.nakDelayMs ?? 50);
  return { shop, refusals, seen, outcomes: [], worker, stop: () => stopFast(fx.nats.jsm, 'push-worker', worker) };
}

async function start(fx: NatsFixture, consumer: string, filterSubject: string, handler: Handler, maxDeliver?: number, errorNakDelayMs?: number): Promise<PullWorker> {
  await ensureDurable(fx.nats.jsm, ORDERS, consumer, { filterSubject, ackWaitMs: 5_000, ...(maxDeliver ? { maxDeliver } : {}) });
  return new PullWorker({ js: fx.nats.js, stream: ORDERS, consumer, handler, errorNakDelayMs, backoff: { initialMs: 20, maxMs: 200 } }).start();
}

/**
 * PullWorker.stop() waits for an idle fetch to expire (up to a second); deleting the consumer
 * first ends that fetch at once. Only for teardown: the test is over.
 */
export async function stopFast(jsm: JetStreamManager, consumer: string, worker: PullWorker, stream = ORDERS): Promise<void> {
  await jsm.consumers.delete(stream, consumer).catch(() => {});
  await worker.stop();
}

export async function messagesIn(jsm: JetStreamManager, stream: string): Promise<number> {
  return (await jsm.streams.info(stream)).state.messages;
}
