// Where messages and dead letters live. ORDERS is the story's stream (`order.*`, work-queue).
// A dead letter goes to `<subject>.dlq`, e.g. order.email.dlq: three tokens, which `order.*` does
// NOT capture, so dead letters get their own DLQ stream, which no worker consumes and which keeps
// them (limits retention) until someone redrives or discards them. A third stream captures the
// server's max-deliveries advisories, so none is lost while the watcher is down.
import { deleteStreamIfExists, ensureStream, ordersStreamConfig, ORDERS } from '@mq/shared';
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

export const DLQ_STREAM = 'DLQ';
export const DLQ_SUBJECTS = 'order.*.dlq';
export const MAX_DELIVERIES_STREAM = 'ORDERS_MAX_DELIVERIES';

const DAY_MS = 24 * 60 * 60 * 1000;

export function dlqSubjectFor(subject: string): string {
  return `${subject}.dlq`;
}

/** Dead letters: kept 30 days (longer than ORDERS' 7 days), and never evicted to make room. */
export function dlqStreamConfig(): Partial<StreamConfig> & { name: string } {
  return {
    name: DLQ_STREAM,
    subjects: [DLQ_SUBJECTS],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    max_age: nanos(30 * DAY_MS),
    max_bytes: 1024 * 1024 * 1024,
    discard: DiscardPolicy.New, // a full DLQ refuses new dead letters (the worker keeps retrying) instead of dropping old ones
    duplicate_window: nanos(2 * 60 * 1000),
  };
}

/** The subject the server publishes to when `consumer` of `stream` gives up on a message. */
export function maxDeliveriesAdvisorySubject(stream: string, consumer = '*'): string {
  return `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${consumer}`;
}

/** Advisories are plain NATS messages, gone if nobody listens; this stream keeps them for the watcher. */
export function maxDeliveriesStreamConfig(stream = ORDERS): Partial<StreamConfig> & { name: string } {
  return {
    name: MAX_DELIVERIES_STREAM,
    subjects: [maxDeliveriesAdvisorySubject(stream)],
    storage: StorageType.File,
    retention: RetentionPolicy.Workqueue,
    max_age: nanos(30 * DAY_MS),
  };
}

/** ORDERS, DLQ and the advisory stream; `fresh` deletes them first (demos and tests start clean). */
export async function setupTopology(jsm: JetStreamManager, opts: { fresh?: boolean; dlq?: boolean } = {}): Promise<void> {
  if (opts.fresh) for (const s of [ORDERS, DLQ_STREAM, MAX_DELIVERIES_STREAM]) await deleteStreamIfExists(jsm, s);
  await ensureStream(jsm, ordersStreamConfig());
  if (opts.dlq !== false) await ensureStream(jsm, dlqStreamConfig());
  await ensureStream(jsm, maxDeliveriesStreamConfig());
}
