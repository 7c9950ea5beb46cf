// The lesson's experiments, each on a fresh partition stream: publish, run a worker group until every
// event is processed and the work-queue stream is empty, tear down. The scenes narrate the results
// and the tests assert on them, so the demo and the proof run the same code.
import { deleteStreamIfExists, waitFor, type Nats } from '@mq/shared';
import { eventHandler, type WorkPlan } from './handler';
import type { OrderEventMsg } from './partitions';
import { ProcessingLog } from './processing-log';
import { publishEvents } from './publisher';
import { PARTITION_STREAM, resetPartitionStream } from './setup';
import { startPartitionWorkers, startSharedQueue, type WorkerGroup } from './worker';

export interface ExperimentOptions {
  events: OrderEventMsg[];
  plan: WorkPlan;
  /** Partitions used to route the events (userId % partitions). */
  partitions: number;
  /** 'partitioned': a consumer per partition; 'shared': one durable, `workers` workers. */
  mode: 'partitioned' | 'shared';
  workers?: number;
  /** Partitioned only: max_ack_pending per consumer (default 1; null = the server default). */
  maxAckPending?: number | null;
  /** Partitioned only: messages per fetch (default 1). */
  batch?: number;
  nakDelayMs?: number;
  ackWaitMs?: number;
  timeoutMs?: number;
}

export interface ExperimentResult {
  log: ProcessingLog;
  published: OrderEventMsg[];
}

export async function runExperiment(nats: Nats, o: ExperimentOptions): Promise<ExperimentResult> {
  await resetPartitionStream(nats.jsm);
  const log = new ProcessingLog();
  const common = {
    js: nats.js,
    jsm: nats.jsm,
    ackWaitMs: o.ackWaitMs ?? 5_000,
    handlerFor: (label: string) => eventHandler(log, label, o.plan, o.nakDelayMs ?? 20),
  };
  let group: WorkerGroup | undefined;
  try {
    if (o.mode === 'shared') {
      group = await startSharedQueue({ ...common, count: o.workers ?? 3 });
      await publishEvents(nats.js, o.events, o.partitions);
    } else {
      // Publish first, so every partition has its whole backlog when its worker starts.
      await publishEvents(nats.js, o.events, o.partitions);
      group = await startPartitionWorkers({ ...common, partitions: o.partitions, maxAckPending: o.maxAckPending, batch: o.batch });
    }
    const streamEmpty = async () => (await nats.jsm.streams.info(PARTITION_STREAM)).state.messages === 0;
    await waitFor(async () => log.acked.length === o.events.length && (await streamEmpty()), {
      timeoutMs: o.timeoutMs ?? 10_000,
      what: `all ${o.events.length} events processed and acked`,
    });
    return { log, published: o.events };
  } finally {
    await group?.stop();
    await deleteStreamIfExists(nats.jsm, PARTITION_STREAM);
  }
}
