// (b) Dead-lettering from the server's side. When a consumer with max_deliver gives up on a
// message, the server publishes a MAX_DELIVERIES advisory naming the stream, the consumer and the
// stream sequence; it does not know why the handler failed. The watcher consumes those advisories
// (kept in a stream, so none is missed while it is down), fetches the original by sequence, writes
// the dead letter, and on a work-queue stream deletes the original: there the server keeps a
// maxed-out message forever (until max_age) and no consumer will ever deliver it again.
import { ensureDurable, PullWorker, type WorkerEvent } from '@mq/shared';
import { RetentionPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { publishDeadLetter } from './dead-letter';
import { MAX_DELIVERIES_STREAM } from './setup';

/** io.nats.jetstream.advisory.v1.max_deliver */
export interface MaxDeliveriesAdvisory {
  type: string;
  id: string;
  timestamp: string;
  stream: string;
  consumer: string;
  stream_seq: number;
  deliveries: number;
}

export type WatcherOutcome =
  | { kind: 'dead-lettered'; advisory: MaxDeliveriesAdvisory; dlqSeq: number; deletedOriginal: boolean }
  | { kind: 'gone'; advisory: MaxDeliveriesAdvisory };

export const WATCHER_CONSUMER = 'dead-letter-watcher';

export async function startAdvisoryWatcher(opts: {
  js: JetStreamClient;
  jsm: JetStreamManager;
  onOutcome?: (o: WatcherOutcome) => void;
  onEvent?: (e: WorkerEvent) => void;
}): Promise<PullWorker> {
  await ensureDurable(opts.jsm, MAX_DELIVERIES_STREAM, WATCHER_CONSUMER, { ackWaitMs: 10_000 });
  const retention = new Map<string, RetentionPolicy>();
  const retentionOf = async (stream: string) => {
    if (!retention.has(stream)) retention.set(stream, (await opts.jsm.streams.info(stream)).config.retention);
    return retention.get(stream)!;
  };
  return new PullWorker({
    js: opts.js,
    stream: MAX_DELIVERIES_STREAM,
    consumer: WATCHER_CONSUMER,
    errorNakDelayMs: 1_000,
    backoff: { initialMs: 50, maxMs: 1_000 },
    onEvent: opts.onEvent,
    handler: async (msg: JsMsg) => {
      const advisory = msg.json<MaxDeliveriesAdvisory>();
      const original = await opts.jsm.streams.getMessage(advisory.stream, { seq: advisory.stream_seq });
      if (!original) {
        // Acked or removed after the advisory (e.g. by an operator): nothing left to save.
        opts.onOutcome?.({ kind: 'gone', advisory });
        return;
      }
      const ack = await publishDeadLetter(opts.js, {
        subject: original.subject,
        stream: advisory.stream,
        seq: advisory.stream_seq,
        consumer: advisory.consumer,
        deliveries: advisory.deliveries,
        error: `unknown: the server gave up after ${advisory.deliveries} deliveries and does not record why`,
        reason: 'max-deliveries',
        data: original.data,
        headers: original.header,
        publishedAt: original.time,
      });
      // Only a work-queue stream strands the message; on limits/interest streams other consumers may still need it.
      const workQueue = (await retentionOf(advisory.stream)) === RetentionPolicy.Workqueue;
      const deletedOriginal = workQueue && (await deleteIfPresent(opts.jsm, advisory.stream, advisory.stream_seq));
      opts.onOutcome?.({ kind: 'dead-lettered', advisory, dlqSeq: ack.seq, deletedOriginal });
    },
  }).start();
}

async function deleteIfPresent(jsm: JetStreamManager, stream: string, seq: number): Promise<boolean> {
  try {
    return await jsm.streams.deleteMessage(stream, seq);
  } catch (err) {
    if ((err as { code?: number }).code === 10057) return false; // already gone
    throw err;
  }
}
