// The two ways to put several workers on the partitioned stream:
//   - one durable consumer per partition, each filtered to its partition and allowed ONE unacked
//     message (max_ack_pending 1), one worker each: per-user order holds, partitions run in parallel;
//   - the plain queue group of lesson 04: several workers sharing one durable, no limit: fast, unordered.
import { ensureDurable, PullWorker, waitFor, type Handler, type WorkerEvent } from '@mq/shared';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { partitionFilter } from './partitions';
import { PARTITION_STREAM } from './setup';

export interface WorkerGroup {
  readonly workers: PullWorker[];
  stop(): Promise<void>;
}

interface Common {
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** A handler per worker; the label names the worker in the log. */
  handlerFor: (label: string) => Handler;
  ackWaitMs: number;
  onEvent?: (e: WorkerEvent) => void;
}

export const partitionConsumer = (p: number) => `partition-${p}`;

interface PartitionOptions extends Common {
  partitions: number;
  /** Per consumer; default 1; null leaves the server default (1000). */
  maxAckPending?: number | null;
  /** Messages per fetch (default 1). */
  batch?: number;
}

/**
 * One durable per partition. maxAckPending 1 is what makes a retry safe: while an event waits for
 * its redelivery, the server hands out nothing else from that partition. Pass `maxAckPending: null`
 * and a bigger batch to see what goes wrong without it.
 */
export async function startPartitionWorkers(opts: PartitionOptions): Promise<WorkerGroup> {
  const workers: PullWorker[] = [];
  // #region look-partition-consumers
  for (let p = 0; p < opts.partitions; p++) {
    const consumer = partitionConsumer(p);
    await ensureDurable(opts.jsm, PARTITION_STREAM, consumer, {
      filterSubject: partitionFilter(p), // only this partition's users
      ackWaitMs: opts.ackWaitMs,
      // One unacked message at a time: a nak'd event blocks its partition until it is redelivered and acked.
      ...(opts.maxAckPending === null ? {} : { maxAckPending: opts.maxAckPending ?? 1 }),
    });
    workers.push(worker(opts, consumer, consumer, opts.batch ?? 1)); // one worker per partition
  }
  // #endregion look-partition-consumers
  return group(workers);
}

export const SHARED_CONSUMER = 'shared-queue';

/** Lesson 04's queue group: `count` workers pulling from one durable with the default max_ack_pending (1000). */
export async function startSharedQueue(opts: Common & { count: number }): Promise<WorkerGroup> {
  await ensureDurable(opts.jsm, PARTITION_STREAM, SHARED_CONSUMER, { ackWaitMs: opts.ackWaitMs });
  const workers = Array.from({ length: opts.count }, (_, i) => worker(opts, SHARED_CONSUMER, `worker-${i + 1}`, 1));
  const g = group(workers);
  // Every worker must have a pull request waiting before anything is published, so the first
  // messages really go to different workers (otherwise the race decides who gets what).
  const waiting = async () => (await opts.jsm.consumers.info(PARTITION_STREAM, SHARED_CONSUMER)).num_waiting;
  await waitFor(async () => (await waiting()) >= opts.count, {
    timeoutMs: 5_000,
    what: `${opts.count} workers waiting on ${SHARED_CONSUMER}`,
  });
  return g;
}

function worker(opts: Common, consumer: string, label: string, batch: number): PullWorker {
  return new PullWorker({
    js: opts.js,
    stream: PARTITION_STREAM,
    consumer,
    batch,
    handler: opts.handlerFor(label),
    // Short fetch-error backoff: scenes end by deleting their stream, which ends idle fetches with an error.
    backoff: { initialMs: 50, maxMs: 1_000 },
    onEvent: opts.onEvent,
  }).start();
}

function group(workers: PullWorker[]): WorkerGroup {
  return {
    workers,
    stop: async () => {
      await Promise.all(workers.map((w) => w.stop()));
    },
  };
}
