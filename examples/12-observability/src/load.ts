// The scripted load the alerts are tested against, three acts from the story:
//   1. a sale burst: 2.5x the pending threshold arrives at once; the backlog alert fires, the two
//      workers drain it, the alert clears;
//   2. a slow worker: the mail relay takes 1.5x the latency threshold for 20 messages; the latency
//      alert fires, the relay recovers, and it clears once the slow calls leave the window;
//   3. a poison message: the relay refuses one address; its retries pass 3 (alert) and at 5 the
//      worker dead-letters it, which clears the alert.
import { connectNats, waitFor } from '@mq/shared';
import type { Sample, Transition } from './alerts';
import { MailRelay, RETRIES_ALLOWED } from './handler';
import { QueueMonitor } from './monitor';
import { publishOrders } from './publisher';
import { NAMES, setupNats, teardownNats } from './setup';
import type { Thresholds } from './thresholds';
import { startEmailWorkers } from './worker';
import { WorkerMetrics } from './worker-metrics';

export type Act = 'burst' | 'slow' | 'poison';

export interface ActSpan {
  act: Act;
  startMs: number;
  endMs: number;
}

export interface LoadOptions {
  url: string;
  thresholds: Thresholds;
  sampleMs: number;
  nakDelayMs: number;
  ackWaitMs: number;
  /** Keep the streams afterwards (the console test redrives the dead letter). */
  keep?: boolean;
  onTransition?: (t: Transition, s: Sample) => void;
  onAct?: (act: Act, what: string) => void;
  /**
   * Called with the burst published and the relay holding every send, so the backlog stands still
   * until it returns (the console test waits for the page to show it). Without it the burst drains
   * as fast as the workers go.
   */
  whileBurstHeld?: () => Promise<void>;
  /** Called after the poison was dead-lettered, before the load ends (e.g. to redrive it). */
  afterPoison?: (relay: MailRelay) => Promise<void>;
}

export interface LoadResult {
  samples: Sample[];
  transitions: Transition[];
  acts: ActSpan[];
  /** When the first slow relay call finished, and when the relay was fast again (ms on the monitor's axis). */
  slowFirstDoneMs: number;
  fastAgainMs: number;
  /** The poison's deliveries (ms on the monitor's axis), and when it was dead-lettered. */
  poisonDeliveries: { delivery: number; atMs: number }[];
  deadLetteredAtMs: number;
  burstSize: number;
  poisonOrder: string;
  /** Deliveries the workers handled (every ack, nak and term). */
  handled: number;
}

export const POISON_EMAIL = 'vip@mail.invalid';

export async function runScriptedLoad(o: LoadOptions): Promise<LoadResult> {
  const admin = await connectNats(o.url, { name: '12-observability-load' });
  const relay = new MailRelay();
  const metrics = new WorkerMetrics();
  await setupNats(admin.jsm, { ackWaitMs: o.ackWaitMs });
  const monitor = new QueueMonitor({
    jsm: admin.jsm,
    stream: NAMES.stream,
    consumer: NAMES.consumer,
    workers: metrics,
    thresholds: o.thresholds,
    sampleMs: o.sampleMs,
    onTransition: o.onTransition,
  });
  const workers = await startEmailWorkers({ url: o.url, count: 2, relay, metrics, nakDelayMs: o.nakDelayMs });
  const acts: ActSpan[] = [];
  const act = async (name: Act, what: string, body: () => Promise<void>) => {
    o.onAct?.(name, what);
    const startMs = monitor.now();
    await body();
    acts.push({ act: name, startMs, endMs: monitor.now() });
  };
  // Only a sample taken after the call counts: an older one may predate the orders just published.
  const settled = (what: string, extra: () => boolean = () => true) => {
    const since = monitor.now();
    const done = () => {
      const s = monitor.samples.at(-1);
      return s && s.atMs > since && s.pending === 0 && s.ackPending === 0 && extra();
    };
    return waitFor(done, { timeoutMs: Math.max(15_000, o.nakDelayMs * 3), what });
  };
  let next = 1;
  let slowFirstDoneMs = NaN;
  let fastAgainMs = NaN;
  const poisonDeliveries: LoadResult['poisonDeliveries'] = [];
  let deadLetteredAtMs = NaN;
  const burstSize = Math.round(o.thresholds.pending * 2.5);
  const poisonOrder = `ORD-${String(burstSize + 41).padStart(4, '0')}`;
  try {
    monitor.start();
    await act('burst', `a sale: ${burstSize} orders at once, 2 workers, relay ${relay.latencyMs} ms`, async () => {
      const release = o.whileBurstHeld ? relay.hold() : undefined;
      await publishOrders(admin.js, next, burstSize);
      next += burstSize;
      if (release) {
        try {
          await o.whileBurstHeld!();
        } finally {
          release();
        }
      }
      await settled('the burst drained', () => !monitor.board.isFiring('pending'));
    });

    await act('slow', `the relay slows to ${Math.round(o.thresholds.latencyMs * 1.5)} ms for 20 orders, then recovers`, async () => {
      relay.latencyMs = Math.round(o.thresholds.latencyMs * 1.5);
      const handledBefore = metrics.handled;
      await publishOrders(admin.js, next, 20);
      next += 20;
      await waitFor(() => metrics.handled > handledBefore, { timeoutMs: 10_000, what: 'the first slow relay call' });
      slowFirstDoneMs = monitor.now();
      await settled('the slow orders done');
      relay.latencyMs = 2;
      fastAgainMs = monitor.now();
      await publishOrders(admin.js, next, 20);
      next += 20;
      await settled('the fast orders done', () => !monitor.board.isFiring('latencyMs'));
    });

    await act('poison', `the relay refuses ${POISON_EMAIL}: order ${poisonOrder} fails on every delivery`, async () => {
      relay.refused.set(POISON_EMAIL, '550 5.1.2 mail.invalid: no MX record for the domain');
      let poisonSeq = -1;
      metrics.onDelivery = (msg) => {
        if (msg.json<{ id: string }>().id !== poisonOrder) return;
        poisonSeq = msg.seq;
        poisonDeliveries.push({ delivery: msg.info.deliveryCount, atMs: monitor.now() });
      };
      metrics.onTerm = (seq) => {
        if (seq === poisonSeq) deadLetteredAtMs = monitor.now();
      };
      await publishOrders(admin.js, next, 1, () => POISON_EMAIL);
      next += 1;
      await publishOrders(admin.js, next, 5);
      next += 5;
      const timeoutMs = 30_000 + o.nakDelayMs * (RETRIES_ALLOWED + 2);
      await waitFor(() => !Number.isNaN(deadLetteredAtMs), { timeoutMs, what: `${poisonOrder} dead-lettered into ${NAMES.dlqStream}` });
      await settled('the poison gone from the queue', () => !monitor.board.isFiring('retries'));
      await o.afterPoison?.(relay);
    });
    await monitor.stop();
    const { samples, board } = monitor;
    const transitions = board.transitions;
    const handled = metrics.handled;
    return { samples, transitions, acts, slowFirstDoneMs, fastAgainMs, poisonDeliveries, deadLetteredAtMs, burstSize, poisonOrder,
      handled };
  } finally {
    await monitor.stop();
    await workers.stop();
    if (!o.keep) await teardownNats(admin.jsm);
    await admin.close();
  }
}
