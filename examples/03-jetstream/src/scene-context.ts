// Why this file exists: every scene of the demo needs the same handful of things (the output, the
// connection, the fake shop, the delivery log, the timings, the running workers); main.ts builds
// them once and hands them to each scene in turn.
import type { Nats, Output, ResolvedService, Shop, Timings } from '@mq/shared';
import type { DeliveryLog } from './delivery-log';
import type { SeededCoin } from './seeded-coin';
import type { TaskWorker } from './worker';

export interface SceneContext {
  out: Output;
  svc: ResolvedService;
  nats: Nats;
  shop: Shop;
  log: DeliveryLog;
  coin: SeededCoin;
  t: Timings;
  ackWaitMs: number;
  nakDelayMs: number;
  /** The running email/points/push workers (started by the crash scene), stopped at the end. */
  workers: TaskWorker[];
  /** The email worker among them (the exactly-once scene swaps it). */
  email?: TaskWorker;
  /** Swapped by the malformed scene: the email worker runs the seed's handler while true. */
  seedCode: { on: boolean };
}
