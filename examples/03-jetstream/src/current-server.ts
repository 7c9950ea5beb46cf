// Why this file exists: nats-server 2.11 and later do natively what 2.9 needs built by hand, and a
// learner who installs NATS today gets a current server. Three of them matter to this chapter:
// per-message TTL (a push that is worthless after a while expires in the stream, `Nats-TTL`),
// consumer pause (hold a worker's consumer until a time, server-side), and, for "retry later",
// a scheduled message (2.12: publish now, delivered at a time) beside nak with a delay.
import { delay, ensureDurable, ensureStream, natsServerVersion, versionAtLeast, type Nats } from '@mq/shared';
import { RetentionPolicy, StorageType, type JsMsg } from '@nats-io/jetstream';
import { SCOPE } from './setup';

export const LATER_STREAM = SCOPE.stream('LATER');
export const LATER_PUSH = SCOPE.subject('later.push');
const CONSUMER = 'push-worker';

/** A scratch work-queue stream that allows per-message TTL (and schedules, on 2.12+). */
export async function setupLaterStream(nats: Nats, ackWaitMs: number): Promise<void> {
  const schedules = versionAtLeast(natsServerVersion(nats.nc), '2.12.0');
  await ensureStream(nats.jsm, {
    name: LATER_STREAM,
    subjects: [SCOPE.subject('later.>')],
    storage: StorageType.Memory,
    retention: RetentionPolicy.Workqueue,
    max_bytes: 1024 * 1024,
    allow_msg_ttl: true,
    ...(schedules ? { allow_msg_schedules: true } : {}),
  });
  await ensureDurable(nats.jsm, LATER_STREAM, CONSUMER, { ackWaitMs, filterSubject: LATER_PUSH });
}

export interface Seen {
  body: string;
  seq: number;
  deliveryCount: number;
  /** ms after the experiment started. */
  atMs: number;
}

export interface PausedWithTtl {
  /** What the server said when asked to pause. */
  pausedFor: number;
  /** Messages stored once the TTL had passed, while the consumer was still paused. */
  storedAfterTtl: number;
  /** What the worker got, after the pause ended. */
  seen: Seen[];
}

// #region look-ttl-pause
/**
 * Pause the push worker's consumer for `pauseMs`, publish one push with a TTL of `ttlMs` and one
 * without, then pull: the worker gets nothing during the pause, and only the push without TTL after.
 */
export async function ttlWhilePaused(nats: Nats, pauseMs: number, ttlMs: number): Promise<PausedWithTtl> {
  const t0 = performance.now();
  const paused = await nats.jsm.consumers.pause(LATER_STREAM, CONSUMER, new Date(Date.now() + pauseMs));
  await nats.js.publish(LATER_PUSH, `ORD-0301: flash sale ends in ${ttlMs / 1000} s`, { ttl: `${ttlMs / 1000}s` });
  await nats.js.publish(LATER_PUSH, 'ORD-0302: your order has shipped');
  await delay(ttlMs + 250); // observation: the TTL passes while the consumer is paused
  const storedAfterTtl = (await nats.jsm.streams.info(LATER_STREAM)).state.messages;
  // Until 0.5 s after the pause, or the first push: the TTL one is gone from the stream by then.
  const seen = await pullFor(nats, pauseMs - (performance.now() - t0) + 500, t0, undefined, 1);
  return { pausedFor: Math.round(Date.parse(paused.pause_until ?? '') - Date.now() + (performance.now() - t0)), storedAfterTtl, seen };
}
// #endregion look-ttl-pause

/**
 * "Retry later", two ways, for one failed push: nak with a delay (the same message comes back to
 * the same consumer, delivery #2), or publish a scheduled copy (2.12+, `Nats-Schedule: @at`) and
 * ack the original (a new message, delivery #1, that no consumer holds meanwhile).
 */
export async function retryLaterBothWays(nats: Nats, delayMs: number): Promise<{ nak: Seen[]; scheduled: Seen[] }> {
  const t0 = performance.now();
  await nats.js.publish(LATER_PUSH, 'ORD-0303: nak with delay');
  const nak = await pullFor(nats, delayMs + 1_500, t0, (m) => (m.info.deliveryCount === 1 ? m.nak(delayMs) : m.ack()), 2);
  const t1 = performance.now();
  await nats.js.publish(LATER_PUSH, 'ORD-0304: scheduled retry');
  const scheduled = await pullFor(nats, delayMs + 1_500, t1, (m) => {
    if (m.string().endsWith('(retry)')) return m.ack();
    void nats.js.publish(SCOPE.subject('later.retry.ORD-0304'), `${m.string()} (retry)`, {
      schedule: { specification: new Date(Date.now() + delayMs), target: LATER_PUSH },
    });
    m.ack();
  }, 2);
  return { nak, scheduled };
}

type Settle = (m: JsMsg) => void;

async function pullFor(nats: Nats, forMs: number, t0: number, settle: Settle = (m) => m.ack(), stopAfter = Infinity): Promise<Seen[]> {
  const consumer = await nats.js.consumers.get(LATER_STREAM, CONSUMER);
  const seen: Seen[] = [];
  const until = performance.now() + forMs;
  while (performance.now() < until && seen.length < stopAfter) {
    const m = await consumer.next({ expires: 1_000 });
    if (!m) continue;
    seen.push({ body: m.string(), seq: m.seq, deliveryCount: m.info.deliveryCount, atMs: performance.now() - t0 });
    settle(m);
  }
  return seen;
}
