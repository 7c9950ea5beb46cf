// What one worker does with one order message: "send the confirmation email" (an awaited wait of
// workMs, I/O-like like a real SMTP call, not CPU burn), fail at FAIL_RATE, and report each outcome
// as a Processed record only once PullWorker has settled it (an "ack" is reported after the server
// confirmed it). Used by the worker process and by the in-process workers alike.
import { delay, parseTask, type Handler, type Order, type WorkerEvent } from '@mq/shared';
import { hashUnit } from '@mq/shared';
import type { Outcome } from './worker-line';

export interface Processed {
  worker: string;
  orderId: string;
  seq: number;
  deliveryCount: number;
  outcome: Outcome;
  note?: string;
  /** Date.now() when the handler got the message. */
  startedAt: number;
  /** Date.now() when the outcome was settled (for an ack: confirmed by the server). */
  at: number;
}

export interface EmailJobOptions {
  worker: string;
  /** How long "sending the email" takes, ms. */
  workMs: number;
  /** Share of deliveries that fail (0..1). */
  failRate?: number;
  /** Nak delay after a failure, ms. */
  nakDelayMs?: number;
  /**
   * After settling this many messages, the next email call never returns (a hung SMTP connection):
   * the worker keeps its batch unacked until it is killed. The crash drill uses it so the kill
   * always lands mid-batch, whatever the machine's load.
   */
  stallAfter?: number;
  onProcessed: (p: Processed) => void;
  /** Called once when the worker starts hanging. */
  onStall?: (orderId: string, deliveryCount: number) => void;
  onFetchError?: (message: string) => void;
}

/**
 * A pseudo-random number in [0, 1) fixed by (order, delivery): whether a delivery fails looks random
 * but is reproducible, so the same run fails the same deliveries wherever they land.
 */
export function failDraw(orderId: string, deliveryCount: number): number {
  return hashUnit(`${orderId}#${deliveryCount}`);
}

export function emailJob(opts: EmailJobOptions): { handler: Handler; onEvent: (e: WorkerEvent) => void } {
  const failRate = opts.failRate ?? 0;
  const nakDelayMs = opts.nakDelayMs ?? 0;
  const inHand = new Map<number, { orderId: string; startedAt: number; note?: string }>();
  let settled = 0;

  const handler: Handler = async (msg) => {
    const entry: { orderId: string; startedAt: number; note?: string } = { orderId: `seq-${msg.seq}`, startedAt: Date.now() };
    inHand.set(msg.seq, entry);
    try {
      entry.orderId = parseTask<Order>(msg.data, ['id']).id;
    } catch (err) {
      entry.note = `${(err as Error).message}; terminated, retrying cannot fix it`;
      return 'term';
    }
    if (opts.stallAfter !== undefined && settled >= opts.stallAfter) {
      opts.onStall?.(entry.orderId, msg.info.deliveryCount);
      await new Promise<never>(() => {}); // the email call that never comes back
    }
    await delay(opts.workMs);
    if (failRate > 0 && failDraw(entry.orderId, msg.info.deliveryCount) < failRate) {
      entry.note = `email failed; nak, retry in ${nakDelayMs} ms`;
      return { nak: true, delayMs: nakDelayMs };
    }
    return 'ack';
  };

  const onEvent = (e: WorkerEvent) => {
    if (e.type === 'fetch-error') {
      opts.onFetchError?.(`fetch failed (${e.error}); retrying in ${e.retryInMs} ms`);
      return;
    }
    const entry = inHand.get(e.seq);
    inHand.delete(e.seq);
    settled += 1;
    const note = entry?.note ?? (e.type === 'nak' || e.type === 'ack-error' ? e.error : undefined);
    opts.onProcessed({
      worker: opts.worker,
      orderId: entry?.orderId ?? `seq-${e.seq}`,
      seq: e.seq,
      deliveryCount: e.deliveryCount,
      outcome: e.type,
      ...(note ? { note } : {}),
      startedAt: entry?.startedAt ?? Date.now(),
      at: Date.now(),
    });
  };

  return { handler, onEvent };
}
