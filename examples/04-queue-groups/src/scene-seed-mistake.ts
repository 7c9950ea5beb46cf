// Scene: the seed's code gives every worker its OWN durable (email-worker-1/2/3). Durable name =
// queue, so that is three queues, not one queue with three workers. A work-queue stream (ORDERS)
// refuses the second one outright; a limits stream accepts them and every order is processed 3x.
import { RetentionPolicy } from '@nats-io/jetstream';
import { connectNats, deleteStreamIfExists, ensureDurable, makeOrder, publishJson, waitFor } from '@mq/shared';
import type { Processed } from './handler';
import { ackedPerWorker, openGroup } from './group';
import { ensureQueueStream, SCENE_STREAM, SCOPE } from './setup';
import type { DemoContext } from './demo-context';

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

/** The demo's narration of this scene (main.ts runs it). */
export async function narrateSeedMistake(c: DemoContext): Promise<void> {
  const { out, pending } = c;
  out.step('The seed\'s mistake: a durable name per worker (email-worker-1/2/3)');
  const names = ['email-worker-1', 'email-worker-2', 'email-worker-3'];
  const attempts = await perWorkerDurablesOnWorkQueue({ url: c.url, stream: SCOPE.stream('WORKQUEUE'), subject: SCOPE.subject('wq.email'), durables: names });
  out.say('On a work-queue stream like ORDERS:');
  for (const a of attempts) (a.ok ? out.ok : out.bad)(a.ok ? `${a.durable}: created` : `${a.durable}: refused by the server, error ${a.code}: ${a.error}`);
  out.say('The seed never checks the error QueueSubscribe returns, so workers 2 and 3 would silently never start.');
  const limits = await perWorkerDurablesOnLimits({ url: c.url, stream: SCOPE.stream('LIMITS'), subject: SCOPE.subject('limits.email'), orders: 20, workMs: 2, labels: ['1', '2', '3'], durableFor: (l) => `email-worker-${l}` });
  pending.push(limits.stopped);
  out.say('On a limits-retention stream the server accepts them, and each durable is its own queue:');
  out.table(Object.entries(limits.perWorker).map(([w, n]) => ({ durable: `email-worker-${w}`, 'orders processed': n })));
  const perOrder = new Map<string, number>();
  for (const r of limits.records) perOrder.set(r.orderId, (perOrder.get(r.orderId) ?? 0) + 1);
  out.bad(`${limits.records.length} emails for 20 orders: every order processed ${[...new Set(perOrder.values())].join('/')} times`);
  out.say('The fix is one shared durable name for the whole group (step 2); the worker id belongs in the logs, not in the name.');
}
