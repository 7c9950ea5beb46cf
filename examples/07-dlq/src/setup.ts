// Where lesson 07's messages and dead letters live, named from its scope so it never touches
// another lesson's streams. ORDERS is the story's stream (lesson 07's copy: L07_ORDERS on
// l07.order.*, work-queue). A dead letter goes to `<subject>.dlq`, e.g. l07.order.email.dlq: one
// token more, which `order.*` does NOT capture, so dead letters get their own DLQ stream, which no
// worker consumes and which keeps them (limits retention) until someone redrives or discards them.
// A third stream captures the server's max-deliveries advisories, so none is lost while the
// watcher is down.
import { deleteStreamIfExists, ensureStream, lessonScope, ordersStreamConfig } from '@mq/shared';
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

export const scope = lessonScope('07');
export const ORDERS_STREAM = scope.stream('ORDERS');
export const ORDERS_SUBJECTS = scope.subject('order.*');
export const DLQ_STREAM = scope.stream('DLQ');
export const DLQ_SUBJECTS = scope.subject('order.*.dlq');
export const MAX_DELIVERIES_STREAM = scope.stream('ORDERS_MAX_DELIVERIES');

/** The lesson's task subjects: l07.order.email, l07.order.push. */
export const SUBJECTS = { email: scope.subject('order.email'), push: scope.subject('order.push') } as const;

const DAY_MS = 24 * 60 * 60 * 1000;

export function dlqSubjectFor(subject: string): string {
  return `${subject}.dlq`;
}

/** The story's ORDERS stream, lesson 07's copy. */
export function ordersConfig(overrides: Partial<StreamConfig> = {}): Partial<StreamConfig> & { name: string } {
  return ordersStreamConfig({ name: ORDERS_STREAM, subjects: [ORDERS_SUBJECTS], ...overrides });
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
export function maxDeliveriesStreamConfig(stream = ORDERS_STREAM): Partial<StreamConfig> & { name: string } {
  return {
    name: MAX_DELIVERIES_STREAM,
    subjects: [maxDeliveriesAdvisorySubject(stream)],
    storage: StorageType.File,
    retention: RetentionPolicy.Workqueue,
    max_age: nanos(30 * DAY_MS),
  };
}

/** ORDERS, DLQ and the advisory stream; `fresh` deletes them first (demos and tests start clean). */
export interface SetupOptions {
  /** Delete lesson 07's streams first. */
  fresh?: boolean;
  /** Create the DLQ stream too (default true). */
  dlq?: boolean;
  /** Overrides for ORDERS (e.g. limits retention). */
  orders?: Partial<StreamConfig>;
}

export async function setup(jsm: JetStreamManager, opts: SetupOptions = {}): Promise<void> {
  if (opts.fresh) await teardown(jsm);
  await ensureStream(jsm, ordersConfig(opts.orders));
  if (opts.dlq !== false) await ensureStream(jsm, dlqStreamConfig());
  await ensureStream(jsm, maxDeliveriesStreamConfig());
}

/** Remove lesson 07's streams (and with them their consumers); `keepDlq` leaves the dead letters for `redrive`. */
export async function teardown(jsm: JetStreamManager, opts: { keepDlq?: boolean } = {}): Promise<void> {
  for (const s of [ORDERS_STREAM, MAX_DELIVERIES_STREAM]) await deleteStreamIfExists(jsm, s);
  if (!opts.keepDlq) await deleteStreamIfExists(jsm, DLQ_STREAM);
}
