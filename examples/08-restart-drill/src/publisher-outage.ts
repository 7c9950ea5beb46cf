// Two shops publish the same orders through the same outage, one with Nats-Msg-Id = order id and
// one without. For both, the PubAck of one order is lost as the broker goes down, so they retry
// it after the restart. The broker rebuilds its duplicate window from disk: the first shop's retry
// is recognised, the second shop's lands twice.
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ensureStream, ordersStreamConfig, waitFor } from '@mq/shared';
import { type PrivateServer } from '@mq/shared/services';
import { bringBackAfter, takeDown, type OutageMode } from './outage';
import { publishWithRetries, type PublishRecord } from './retrying-publisher';
import { duplicatesIn, storedOrderIds } from './stream-contents';

export interface PublisherVariant {
  label: string;
  stream: string;
  subject: string;
  useMsgId: boolean;
}

export const WITH_MSG_ID: PublisherVariant = { label: 'retries with Nats-Msg-Id = order id', stream: 'ORDERS', subject: 'order.email', useMsgId: true };
export const WITHOUT_MSG_ID: PublisherVariant = { label: 'retries without a message id', stream: 'NAIVE', subject: 'naive.email', useMsgId: false };

export interface VariantResult {
  variant: PublisherVariant;
  records: PublishRecord[];
  /** The order whose PubAck was lost, as the publisher finally saw it. */
  lostAck: PublishRecord;
  /** Order ids as stored in the stream after everything settled. */
  stored: string[];
  duplicates: Map<string, number>;
  /** Attempts that failed while the broker was away (not counting the lost PubAck). */
  failedAttempts: number;
}

export interface PublisherOutageOptions {
  server: PrivateServer;
  /** The shops' connection (reconnects by itself). */
  nc: NatsConnection;
  jsm: JetStreamManager;
  count: number;
  /** 1-based order number whose PubAck is lost as the broker goes down. */
  lostAckAt: number;
  mode: OutageMode;
  outageMs: number;
  timeoutMs?: number;
  retryMs?: number;
  variants?: PublisherVariant[];
}

export async function publishersThroughOutage(opts: PublisherOutageOptions): Promise<VariantResult[]> {
  const variants = opts.variants ?? [WITH_MSG_ID, WITHOUT_MSG_ID];
  for (const v of variants) await ensureStream(opts.jsm, ordersStreamConfig({ name: v.stream, subjects: [`${v.subject.split('.')[0]}.*`] }));
  const orders = Array.from({ length: opts.count }, (_, i) => i + 1);
  const lostId = `ORD-${String(opts.lostAckAt).padStart(4, '0')}`;

  let arrived = 0;
  let outageStarted!: () => void;
  const outageGate = new Promise<void>((r) => (outageStarted = r));
  const runs = variants.map((v) =>
    publishWithRetries({
      nc: opts.nc,
      subject: v.subject,
      orders,
      useMsgId: v.useMsgId,
      timeoutMs: opts.timeoutMs ?? 500,
      retryMs: opts.retryMs ?? 100,
      deadlineMs: opts.outageMs + 20_000,
      loseAckOf: lostId,
      afterLostAck: () => {
        arrived += 1;
        return outageGate;
      },
    }),
  );
  const finished = Promise.all(runs);
  finished.catch(() => outageStarted()); // a failing publisher must not leave the others waiting

  // Both shops have sent the order whose PubAck will be lost; make sure the broker stored it,
  // then pull the plug and let the shops carry on against a dead broker.
  await waitFor(
    async () => {
      if (arrived < variants.length) return false;
      const infos = await Promise.all(variants.map((v) => opts.jsm.streams.info(v.stream)));
      return infos.every((i) => i.state.messages === opts.lostAckAt);
    },
    { timeoutMs: 10_000, what: `both shops' ${lostId} to be stored` },
  );
  await takeDown(opts.server, opts.mode);
  outageStarted();
  await bringBackAfter(opts.server, opts.outageMs);
  const all = await finished;

  return Promise.all(
    variants.map(async (variant, i) => {
      const records = all[i];
      const stored = await waitFor(() => storedOrderIds(opts.jsm, variant.stream), { timeoutMs: 10_000, what: `reading ${variant.stream}` });
      const lostAck = records.find((r) => r.orderId === lostId)!;
      return {
        variant,
        records,
        lostAck,
        stored,
        duplicates: duplicatesIn(stored),
        failedAttempts: records.reduce((n, r) => n + r.failures.filter((f) => f !== 'PubAck lost').length, 0),
      };
    }),
  );
}
