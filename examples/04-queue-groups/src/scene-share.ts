// Scene: N orders, k workers, ONE durable consumer. The queue group is nothing more than that
// shared name: the server hands each message to one fetch, so every order is processed once.
import { connectNats, deleteStreamIfExists, ensureDurable, makeOrder, publishJson, waitFor } from '@mq/shared';
import type { Processed } from './handler';
import { ackedPerWorker, openGroup } from './group';
import { ensureQueueStream, SCENE_STREAM, SCOPE } from './setup';
import type { DemoContext } from './demo-context';

export interface ShareOptions {
  url: string;
  stream: string;
  subject: string;
  durable: string;
  orders: number;
  labels: string[];
  workMs: number;
  batch?: number;
}

export interface ShareResult {
  records: Processed[];
  perWorker: Record<string, number>;
  /** From the first message a worker took to the last ack. */
  elapsedMs: number;
  /** Resolves when the workers have stopped and disconnected; await it before exiting. */
  stopped: Promise<void>;
}

export async function shareOrders(o: ShareOptions): Promise<ShareResult> {
  const admin = await connectNats(o.url, { name: 'share-admin' });
  try {
    await deleteStreamIfExists(admin.jsm, o.stream);
    await ensureQueueStream(admin.jsm, o.stream, o.subject, SCENE_STREAM);
    // A long AckWait: this scene is about sharing, so no message should be redelivered.
    await ensureDurable(admin.jsm, o.stream, o.durable, { filterSubject: o.subject, ackWaitMs: 30_000 });
    await Promise.all(Array.from({ length: o.orders }, (_, i) => publishJson(admin.js, o.subject, makeOrder(i + 1))));
  } finally {
    await admin.close();
  }
  const group = await openGroup({ url: o.url, stream: o.stream, durable: o.durable, labels: o.labels, workMs: o.workMs, batch: o.batch });
  group.start();
  await waitFor(() => group.records.filter((r) => r.outcome === 'ack').length >= o.orders, {
    timeoutMs: 15_000 + o.orders * (o.workMs + 20), // generous: the machine may be busy with other test files
    what: `${o.orders} orders acked by the group`,
  });
  // From the first message taken to the last ack: the time to work off the backlog, without connecting.
  const first = Math.min(...group.records.map((r) => r.startedAt));
  const last = Math.max(...group.records.map((r) => r.at));
  return { records: group.records, perWorker: ackedPerWorker(group.records, o.labels), elapsedMs: last - first, stopped: group.stop() };
}

/** The demo's narration of this scene (main.ts runs it). */
export async function narrateShare(c: DemoContext): Promise<void> {
  const { out, pending } = c;
  out.step('Three workers, one durable consumer "email-workers"');
  const share = await shareOrders({ url: c.url, stream: SCOPE.stream('SHARE'), subject: SCOPE.subject('share.email'), durable: 'email-workers', orders: 300, labels: ['1', '2', '3'], workMs: 3, batch: 1 });
  pending.push(share.stopped);
  const ids = share.records.map((r) => r.orderId);
  out.table(Object.entries(share.perWorker).map(([w, n]) => ({ worker: w, orders: n, share: `${Math.round((100 * n) / ids.length)} %` })));
  const once = new Set(ids).size === ids.length && share.records.every((r) => r.deliveryCount === 1);
  (once ? out.ok : out.bad)(`${new Set(ids).size} distinct orders of 300, ${ids.length} acks, all on delivery 1: nobody did anybody else's order`);
  out.say(`Who got the first 15: ${share.records.slice(0, 15).map((r) => r.worker).join(' ')}`);
  out.say('(each fetch takes ONE message, so a busy worker cannot hoard a batch while the others idle;');
  out.say(' it is a share by who asks next, not the strict 1-4-7 / 2-5-8 rotation the seed draws)');
}
