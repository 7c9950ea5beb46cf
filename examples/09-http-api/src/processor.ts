// One member of a consumer group (seed 000's `consumer --group order-processor --id N`): a shared
// PullWorker on the durable named after the group, so every member pulls from the same queue and
// JetStream hands each message to exactly one of them. FAIL_RATE simulates a flaky downstream:
// a failed message is nak'd with a delay and comes back later, to this member or another.
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { delay, ensureDurable, isApiError, MalformedPayloadError, parseTask, PullWorker } from '@mq/shared';

export interface ProcessorOptions {
  js: JetStreamClient;
  stream: string;
  /** The group = the durable consumer all members share. */
  group: string;
  id: number;
  /** Probability that processing one delivery fails (FAIL_RATE). */
  failRate: number;
  nakDelayMs: number;
  /** Deliveries before we give up on a message (the seed's "NumDelivered > 3" = 4). */
  maxDeliver: number;
  /** Simulated work per message, ms (default 40). */
  workMs?: number;
  /** Source of randomness for FAIL_RATE (the demo passes a seeded one). */
  random?: () => number;
  /** Decide per delivery whether processing fails; default: random() < failRate. Tests pick exact failures. */
  fails?: (orderId: string, deliveryCount: number) => boolean;
  onEvent?: (e: ProcessorEvent) => void;
  /** NATS unreachable or the consumer gone: the worker backs off and retries. */
  onFetchError?: (error: string, retryInMs: number) => void;
}

export interface ProcessorEvent {
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

/** Create (or adopt) the group's durable: explicit acks, the ack wait, and the delivery cap. */
export async function ensureGroup(jsm: JetStreamManager, stream: string, group: string, opts: { ackWaitMs: number; maxDeliver: number }): Promise<void> {
  try {
    await ensureDurable(jsm, stream, group, { ackWaitMs: opts.ackWaitMs, maxDeliver: opts.maxDeliver });
  } catch (err) {
    if (isApiError(err, 10059)) throw new Error(`stream ${stream} does not exist yet: start the service first (pnpm --filter 09-http-api start), it creates the stream`);
    if (isApiError(err, 10099) || isApiError(err, 10100)) {
      const others: string[] = [];
      for await (const c of jsm.consumers.list(stream)) if (c.name !== group) others.push(`${c.name} (${c.config.filter_subject || 'all subjects'})`);
      throw new Error(
        `stream ${stream} is a work-queue stream: each message may have only one consumer, and ${others.join(', ') || 'another consumer'} ` +
          `already takes these subjects, so group "${group}" is refused. Remove that consumer (another lesson's leftover), or serve a stream of ` +
          `your own: start the server with --stream X --subjects 'x.*' and the consumers with --stream X.`,
      );
    }
    // Newer servers (2.10+) refuse to change an existing durable through "create" (10148); 2.9 updates it in place.
    if (!isApiError(err, 10148)) throw err;
    await jsm.consumers.update(stream, group, { ack_wait: nanos(opts.ackWaitMs), max_deliver: opts.maxDeliver });
  }
}

export function startProcessor(opts: ProcessorOptions): PullWorker {
  const worker = `${opts.group}#${opts.id}`;
  const random = opts.random ?? Math.random;
  const fails = opts.fails ?? (() => random() < opts.failRate);
  const orderIds = new Map<number, string>();
  const emit = (e: Omit<ProcessorEvent, 'worker' | 'orderId' | 'at'>) => {
    opts.onEvent?.({ worker, orderId: orderIds.get(e.seq) ?? '?', at: performance.now(), ...e });
    if (e.outcome === 'ack' || e.outcome === 'term') orderIds.delete(e.seq);
  };
  return new PullWorker({
    js: opts.js,
    stream: opts.stream,
    consumer: opts.group,
    batch: 1, // one at a time, so an idle member can take the next message (load balancing)
    handler: async (msg) => {
      let payload: { order_id?: unknown };
      try {
        payload = parseTask<{ order_id?: unknown }>(msg.data, []);
      } catch (err) {
        if (err instanceof MalformedPayloadError) return { term: true, reason: err.message }; // retrying cannot fix it
        throw err;
      }
      const orderId = typeof payload.order_id === 'string' ? payload.order_id : '-';
      orderIds.set(msg.seq, orderId);
      await delay(opts.workMs ?? 40);
      if (!fails(orderId, msg.info.deliveryCount)) return 'ack';
      if (msg.info.deliveryCount >= opts.maxDeliver) return { term: true, reason: `failed ${msg.info.deliveryCount} times, giving up` };
      return { nak: true, delayMs: opts.nakDelayMs };
    },
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

/** One log line for an event, shared by the consumer CLI and the demo. */
export function describeEvent(e: ProcessorEvent, maxDeliver: number): string {
  const what = `seq ${e.seq} ${e.subject} ${e.orderId} (delivery ${e.deliveryCount}/${maxDeliver})`;
  if (e.outcome === 'ack') return `${what}: processed -> ack`;
  if (e.outcome === 'nak') return `${what}: processing failed -> nak, JetStream redelivers in ${e.delayMs} ms`;
  if (e.outcome === 'ack-error') return `${what}: processed, but the ack was not confirmed (${e.reason}); JetStream will redeliver it`;
  return `${what}: ${e.reason ?? 'gave up'} -> term`;
}
