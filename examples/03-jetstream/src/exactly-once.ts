// Why this file exists: JetStream is often said to give "exactly once": a dedup window on the
// publish side (Nats-Msg-Id) plus a double ack (ackAck) on the consume side. This file holds the
// two experiments that show what that promises and what it does not, for the demo scene and the
// test: a republish is dropped only INSIDE the window, and a worker that dies after the work but
// before the ack gets the message again, so the work happens twice unless the handler is idempotent.
import { delay, ensureStream, type Nats } from '@mq/shared';
import { RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { SCOPE } from './setup';

/** A scratch stream with a short duplicate window (the story's is 1 min), removed by its caller. */
export const DEDUP_STREAM = SCOPE.stream('DEDUP');
export const DEDUP_SUBJECT = SCOPE.subject('dedup.email');

export async function setupDedupStream(nats: Nats, windowMs: number): Promise<void> {
  await ensureStream(nats.jsm, {
    name: DEDUP_STREAM,
    subjects: [SCOPE.subject('dedup.>')],
    storage: StorageType.Memory,
    retention: RetentionPolicy.Limits,
    max_bytes: 1024 * 1024,
    duplicate_window: nanos(windowMs),
  });
}

export interface Republish {
  /** ms after the first publish. */
  atMs: number;
  seq: number;
  duplicate: boolean;
}

/**
 * Publish one message id, then republish it every `everyMs` until the server stores it again
 * (the window has passed) or `giveUpMs` runs out. A duplicate does not extend the window.
 */
export async function republishUntilStored(nats: Nats, msgId: string, everyMs: number, giveUpMs: number): Promise<Republish[]> {
  const t0 = performance.now();
  const attempts: Republish[] = [];
  while (performance.now() - t0 < giveUpMs) {
    const ack = await nats.js.publish(DEDUP_SUBJECT, JSON.stringify({ orderId: msgId.split(':')[0] }), { msgID: msgId });
    attempts.push({ atMs: performance.now() - t0, seq: ack.seq, duplicate: ack.duplicate });
    if (attempts.length > 1 && !ack.duplicate) break;
    await delay(everyMs); // the pace of the retries, not synchronisation
  }
  return attempts;
}
