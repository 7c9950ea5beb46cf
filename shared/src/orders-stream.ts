// The ORDERS stream exactly as the story configures it, plus helpers to create streams and
// durable consumers idempotently and to publish JSON with a PubAck.
import {
  AckPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamClient,
  type JetStreamManager,
  type PubAck,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { headers as natsHeaders, nanos } from '@nats-io/transport-node';

export const ORDERS = 'ORDERS';

/** The story's ORDERS stream: file storage, 7 days, 10 GB, work-queue, discard old, 1 min dedup window. */
export function ordersStreamConfig(overrides: Partial<StreamConfig> = {}): Partial<StreamConfig> & { name: string } {
  return {
    name: ORDERS,
    subjects: ['order.*'],
    storage: StorageType.File,
    max_age: nanos(7 * 24 * 60 * 60 * 1000),
    max_bytes: 10 * 1024 * 1024 * 1024,
    retention: RetentionPolicy.Workqueue,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(60 * 1000),
    ...overrides,
  };
}

/** Create the stream, or update it to this config if it exists. */
export async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<StreamInfo> {
  try {
    return await jsm.streams.add(config);
  } catch (err) {
    if (isApiError(err, 10058)) return jsm.streams.update(config.name, config); // stream name already in use
    throw err;
  }
}

/** Delete a stream if it exists (demos start from a clean slate). */
export async function deleteStreamIfExists(jsm: JetStreamManager, name: string): Promise<void> {
  try {
    await jsm.streams.delete(name);
  } catch (err) {
    if (!isApiError(err, 10059)) throw err; // stream not found
  }
}

export interface DurableOptions {
  ackWaitMs?: number;
  maxDeliver?: number;
  maxAckPending?: number;
  filterSubject?: string;
  backoffMs?: number[];
  extra?: Partial<ConsumerConfig>;
}

/** Create (or update) a durable pull consumer with explicit acks. */
export async function ensureDurable(jsm: JetStreamManager, stream: string, name: string, opts: DurableOptions = {}): Promise<ConsumerInfo> {
  const config: Partial<ConsumerConfig> = {
    durable_name: name,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(opts.ackWaitMs ?? 30_000),
    ...(opts.maxDeliver !== undefined ? { max_deliver: opts.maxDeliver } : {}),
    ...(opts.maxAckPending !== undefined ? { max_ack_pending: opts.maxAckPending } : {}),
    ...(opts.filterSubject ? { filter_subject: opts.filterSubject } : {}),
    ...(opts.backoffMs ? { backoff: opts.backoffMs.map(nanos) } : {}),
    ...opts.extra,
  };
  return jsm.consumers.add(stream, config);
}

export async function publishJson(
  js: JetStreamClient,
  subject: string,
  data: unknown,
  opts: { msgID?: string; headers?: Record<string, string> } = {},
): Promise<PubAck> {
  const payload = JSON.stringify(data);
  if (!opts.headers) return js.publish(subject, payload, opts.msgID ? { msgID: opts.msgID } : undefined);
  const h = natsHeaders();
  for (const [k, v] of Object.entries(opts.headers)) h.set(k, v);
  return js.publish(subject, payload, { msgID: opts.msgID, headers: h });
}

export function isApiError(err: unknown, code: number): boolean {
  return err instanceof JetStreamApiError && err.code === code;
}
