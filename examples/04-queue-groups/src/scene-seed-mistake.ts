// Scene: the seed's code gives every worker its OWN durable (email-worker-1/2/3). Durable name =
// queue, so that is three queues, not one queue with three workers. A work-queue stream (ORDERS)
// refuses the second one outright; a limits stream accepts them and every order is processed 3x.
import { RetentionPolicy } from '@nats-io/jetstream';
import { connectNats, deleteStreamIfExists, ensureDurable, makeOrder, publishJson, waitFor } from '@mq/shared';
import type { Processed } from './handler';
import { ackedPerWorker, openGroup } from './group';
import { ensureQueueStream, SCENE_STREAM } from './setup';

export interface Attempt {
  durable: string;
  ok: boolean;
  code?: number;
  error?: string;
}

/** Try to create one durable per worker on a work-queue stream, as the seed does. */
export interface WorkQueueMistake {
  url: string;
  stream: string;
  subject: string;
  durables: string[];
  filtered?: boolean;
}

export async function perWorkerDurablesOnWorkQueue(o: WorkQueueMistake): Promise<Attempt[]> {
  const admin = await connectNats(o.url, { name: 'mistake-admin' });
  try {
    await deleteStreamIfExists(admin.jsm, o.stream);
    await ensureQueueStream(admin.jsm, o.stream, o.subject, SCENE_STREAM); // work-queue retention, like ORDERS
    const attempts: Attempt[] = [];
    for (const durable of o.durables) {
      try {
        await ensureDurable(admin.jsm, o.stream, durable, o.filtered === false ? {} : { filterSubject: o.subject });
        attempts.push({ durable, ok: true });
      } catch (err) {
        const e = err as Error & { code?: number };
        attempts.push({ durable, ok: false, code: e.code, error: e.message });
      }
    }
    return attempts;
  } finally {
    await deleteStreamIfExists(admin.jsm, o.stream).catch(() => {});
    await admin.close();
  }
}

export interface LimitsResult {
  records: Processed[];
  perWorker: Record<string, number>;
  stopped: Promise<void>;
}

/** The same per-worker durables on a limits-retention stream: every worker gets every order. */
export interface LimitsMistake {
  url: string;
  stream: string;
  subject: string;
  orders: number;
  workMs: number;
  labels: string[];
  durableFor: (label: string) => string;
}

export async function perWorkerDurablesOnLimits(o: LimitsMistake): Promise<LimitsResult> {
  const admin = await connectNats(o.url, { name: 'mistake-admin' });
  try {
    await deleteStreamIfExists(admin.jsm, o.stream);
    await ensureQueueStream(admin.jsm, o.stream, o.subject, { ...SCENE_STREAM, retention: RetentionPolicy.Limits });
    for (const label of o.labels) {
      await ensureDurable(admin.jsm, o.stream, o.durableFor(label), { filterSubject: o.subject, ackWaitMs: 30_000 });
    }
    await Promise.all(Array.from({ length: o.orders }, (_, i) => publishJson(admin.js, o.subject, makeOrder(i + 1))));
  } finally {
    await admin.close();
  }
  const group = await openGroup({ url: o.url, stream: o.stream, durable: o.durableFor, labels: o.labels, workMs: o.workMs });
  group.start();
  const expected = o.orders * o.labels.length;
  await waitFor(() => group.records.filter((r) => r.outcome === 'ack').length >= expected, { timeoutMs: 15_000 + expected * (o.workMs + 20), what: `${expected} acks` });
  return { records: group.records, perWorker: ackedPerWorker(group.records, o.labels), stopped: group.stop() };
}
