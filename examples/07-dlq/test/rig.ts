// Test scaffolding for lesson 07 (not a test file): the lesson's own workers (src/worker.ts) on a
// private server, with everything they did recorded and a clock to order it.
import { createShop, type PullWorker, type Shop } from '@mq/shared';
import { type NatsFixture } from '@mq/shared/testing';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { Outcome } from '../src/dead-letter-policy';
import { Refusals, type Attempt } from '../src/handler';
import { startEmailWorker, startPushWorker } from '../src/worker';

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
  const outcomes: Rig<string>['outcomes'] = [];
  const { worker, seen } = await startEmailWorker({
    ...fx.nats,
    ackWaitMs: 5_000,
    email: shop.email,
    relay: refusals,
    maxDeliveries: opts.maxDeliveries ?? 4,
    nakDelayMs: opts.nakDelayMs ?? 60,
    clock,
    onOutcome: (o) => outcomes.push({ ...o, atMs: clock() }),
  });
  return { shop, refusals, seen, outcomes, worker, stop: () => worker.stop() };
}

/** The push worker with no DLQ code (b): it throws, the PullWorker naks, max_deliver counts. */
export async function pushRig(fx: NatsFixture, opts: { maxDeliver?: number; nakDelayMs?: number } = {}): Promise<Rig<number>> {
  const shop = createShop({ push: 5 });
  const refusals = new Refusals<number>();
  const { worker, seen } = await startPushWorker({
    ...fx.nats,
    ackWaitMs: 5_000,
    push: shop.push,
    apns: refusals,
    maxDeliver: opts.maxDeliver ?? 4,
    nakDelayMs: opts.nakDelayMs ?? 50,
    clock,
  });
  return { shop, refusals, seen, outcomes: [], worker, stop: () => worker.stop() };
}

export async function messagesIn(jsm: JetStreamManager, stream: string): Promise<number> {
  return (await jsm.streams.info(stream)).state.messages;
}
