// One member of a consumer group (`pnpm --filter 09-http-api consume -- --group order-processor --id N`):
// the shared PullWorker on the durable named after the group, so every member pulls from the same
// queue and JetStream hands each message to exactly one of them. The decision per delivery is in
// handler.ts; this file wires it up and turns the worker's events into the lesson's log lines.
import type { JetStreamClient } from '@nats-io/jetstream';
import { PullWorker } from '@mq/shared';
import { orderHandler } from './handler';

export interface MemberOptions {
  js: JetStreamClient;
  stream: string;
  /** The group = the durable consumer all members share. */
  group: string;
  id: number;
  /** Probability that processing one delivery fails (FAIL_RATE). */
  failRate: number;
  nakDelayMs: number;
  /** Deliveries before the member gives up on a message (the seed's "NumDelivered > 3" = 4). */
  maxDeliver: number;
  /** The delivery on which the member terms a failing message (default maxDeliver; Infinity leaves it to the server). */
  giveUpOnDelivery?: number;
  /** Simulated work per message, ms (default 40). */
  workMs?: number;
  /** Source of randomness for FAIL_RATE (the demo passes a seeded one). */
  random?: () => number;
  /** Decide per delivery whether processing fails; default: random() < failRate. Tests pick exact failures. */
  fails?: (orderId: string, deliveryCount: number) => boolean;
  onEvent?: (e: MemberEvent) => void;
  /** NATS unreachable or the consumer gone: the worker backs off and retries. */
  onFetchError?: (error: string, retryInMs: number) => void;
}

export interface MemberEvent {
  worker: string;
  /** ack-error: processed, but the server did not confirm the ack; it redelivers after AckWait. */
  outcome: 'ack' | 'nak' | 'term' | 'ack-error';
  seq: number;
  subject: string;
  orderId: string;
  deliveryCount: number;
  /** For nak: when the message will come back. */
  delayMs?: number;
  reason?: string;
  /** performance.now() when it happened. */
  at: number;
}

export function startMember(opts: MemberOptions): PullWorker {
  const worker = `${opts.group}#${opts.id}`;
  const random = opts.random ?? Math.random;
  const orderIds = new Map<number, string>();
  const emit = (e: Omit<MemberEvent, 'worker' | 'orderId' | 'at'>) => {
    opts.onEvent?.({ worker, orderId: orderIds.get(e.seq) ?? '?', at: performance.now(), ...e });
    if (e.outcome === 'ack' || e.outcome === 'term') orderIds.delete(e.seq);
  };
  return new PullWorker({
    js: opts.js,
    stream: opts.stream,
    consumer: opts.group,
    batch: 1, // one at a time, so an idle member can take the next message (load balancing)
    handler: orderHandler({
      nakDelayMs: opts.nakDelayMs,
      giveUpOnDelivery: opts.giveUpOnDelivery ?? opts.maxDeliver,
      workMs: opts.workMs ?? 40,
      fails: opts.fails ?? (() => random() < opts.failRate),
      onOrder: (seq, orderId) => orderIds.set(seq, orderId),
    }),
    onEvent: (e) => {
      if (e.type === 'fetch-error') return opts.onFetchError?.(e.error, e.retryInMs);
      if (e.type === 'leave') return; // our handler never leaves a message
      emit({
        outcome: e.type,
        seq: e.seq,
        subject: e.subject,
        deliveryCount: e.deliveryCount,
        ...(e.type === 'nak' ? { delayMs: e.delayMs, reason: e.error } : {}),
        ...(e.type === 'term' ? { reason: e.reason } : {}),
        ...(e.type === 'ack-error' ? { reason: e.error } : {}),
      });
    },
  }).start();
}

/** One log line for an event, shared by the consume CLI and the demo. */
export function describeEvent(e: MemberEvent, maxDeliver: number): string {
  const what = `seq ${e.seq} ${e.subject} ${e.orderId} (delivery ${e.deliveryCount}/${maxDeliver})`;
  if (e.outcome === 'ack') return `${what}: processed -> ack`;
  if (e.outcome === 'nak') return `${what}: processing failed -> nak, JetStream redelivers in ${e.delayMs} ms`;
  if (e.outcome === 'ack-error') return `${what}: processed, but the ack was not confirmed (${e.reason}); JetStream will redeliver it`;
  return `${what}: ${e.reason ?? 'gave up'} -> term`;
}
