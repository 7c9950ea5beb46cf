// The lesson's experiments, each on a fresh partition stream: publish, run a worker group until every
// event is processed and the work-queue stream is empty, tear down. main.ts narrates the results and
// the tests assert on them, so the demo and the proof run the same code.
import { deleteStreamIfExists, ensureStream, isApiError, ordersStreamConfig, ORDERS, waitFor, type Nats } from '@mq/shared';
import type { PubAck } from '@nats-io/jetstream';
import { eventHandler, type WorkPlan } from './event-handler';
import { PARTITION_STREAM, partitionSubject, publishEvents, resetPartitionStream, type OrderEventMsg } from './partitions';
import { ProcessingLog } from './processing-log';
import { startPartitionWorkers, startSharedQueue, type WorkerGroup } from './worker-groups';

export interface SubjectCheck {
  subject: string;
  /** The error the publish into the story's `order.*` stream got. */
  seedStreamError: Error;
  /** Where the same publish landed once a stream listens on order.partition.*.*. */
  captured: PubAck;
}

/**
 * Publish the story's partition subject with only the story's ORDERS stream (`order.*`) present,
 * then again with a stream on `order.partition.*.*`. An existing ORDERS is used as it is; one this
 * check had to create is removed again.
 */
export async function checkSubjects(nats: Nats, userId = 123): Promise<SubjectCheck> {
  const subject = partitionSubject({ userId, event: 'created' }, 10);
  const payload = JSON.stringify({ userId, orderId: `U${userId}-O1`, event: 'created' });
  const hadOrders = await streamExists(nats, ORDERS);
  if (!hadOrders) await ensureStream(nats.jsm, ordersStreamConfig());
  await deleteStreamIfExists(nats.jsm, PARTITION_STREAM);
  let seedStreamError: Error | undefined;
  try {
    await nats.js.publish(subject, payload);
  } catch (err) {
    seedStreamError = err as Error;
  } finally {
    if (!hadOrders) await deleteStreamIfExists(nats.jsm, ORDERS);
  }
  if (!seedStreamError) throw new Error(`expected ${subject} to be refused, but a stream on this server captured it (one listening on "order.>"?)`);
  await resetPartitionStream(nats.jsm);
  const captured = await nats.js.publish(subject, payload);
  await resetPartitionStream(nats.jsm);
  return { subject, seedStreamError, captured };
}

async function streamExists(nats: Nats, name: string): Promise<boolean> {
  try {
    await nats.jsm.streams.info(name);
    return true;
  } catch (err) {
    if (isApiError(err, 10059)) return false;
    throw err;
  }
}

export interface SceneOptions {
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

export interface SceneResult {
  log: ProcessingLog;
  published: OrderEventMsg[];
}

export async function runScene(nats: Nats, o: SceneOptions): Promise<SceneResult> {
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
    await waitFor(async () => log.acked.length === o.events.length && (await nats.jsm.streams.info(PARTITION_STREAM)).state.messages === 0, {
      timeoutMs: o.timeoutMs ?? 10_000,
      what: `all ${o.events.length} events processed and acked`,
    });
    return { log, published: o.events };
  } finally {
    // Delete the stream first: idle workers' fetches then end at once with "consumer deleted",
    // instead of stop() waiting up to a second for each fetch to expire.
    await deleteStreamIfExists(nats.jsm, PARTITION_STREAM);
    await group?.stop();
  }
}
