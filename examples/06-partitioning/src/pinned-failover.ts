// Current NATS (2.11+) builds "one active worker per partition" into the consumer: a priority
// group with the pinned_client policy hands a partition's messages to ONE pulling client, and when
// that client stops pulling for priority_timeout, pins another. Two workers per partition then
// give order and failover, where lesson 06's hand-built version needs exactly one worker.
import { connectNats, delay, waitFor, type Nats } from '@mq/shared';
import { AckPolicy, type ConsumerConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { partitionFilter, type OrderEventMsg } from './partitions';
import { label } from './processing-log';
import { publishEvents } from './publisher';
import { PARTITION_STREAM, resetPartitionStream } from './setup';

export const PINNED_SINCE = '2.11.0';
export const PRIORITY_GROUP = 'lane';

export interface Handled {
  worker: string;
  event: string;
  userId: number;
  atMs: number;
  outcome: 'ack' | 'crashed';
}

export interface FailoverResult {
  handled: Handled[];
  /** When the first worker died (ms since start). */
  diedAtMs: number;
}

/** Partition p's consumer, pinned: one client at a time gets its messages. */
export function pinnedConsumer(p: number, o: { ackWaitMs: number; priorityTimeoutMs: number }): Partial<ConsumerConfig> {
  // #region look-pinned-consumer
  return {
    durable_name: `partition-${p}`,
    filter_subject: partitionFilter(p),
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(o.ackWaitMs),
    max_ack_pending: 1, // still one event in flight: order within the partition
    priority_groups: [PRIORITY_GROUP],
    priority_policy: 'pinned_client', // one active client; another takes over if it goes quiet
    priority_timeout: nanos(o.priorityTimeoutMs),
  };
  // #endregion look-pinned-consumer
}

/**
 * Two workers (A, B) pull partition p in the same priority group. A is pinned; after `crashAfter`
 * events it dies holding the next one (its connection closes, no ack). B takes over.
 */
export async function pinnedFailover(
  url: string,
  nats: Nats,
  o: { partition: number; events: OrderEventMsg[]; workMs: number; crashAfter: number; ackWaitMs: number; priorityTimeoutMs: number },
): Promise<FailoverResult> {
  await resetPartitionStream(nats.jsm);
  await nats.jsm.consumers.add(PARTITION_STREAM, pinnedConsumer(o.partition, o));
  const t0 = performance.now();
  const handled: Handled[] = [];
  let diedAtMs = -1;
  const conns: Nats[] = [];
  const run = async (worker: string, crashAfter: number) => {
    const conn = await connectNats(url, { name: `06-pinned-${worker}` });
    conns.push(conn);
    const consumer = await conn.js.consumers.get(PARTITION_STREAM, `partition-${o.partition}`);
    const messages = await consumer.consume({ group: PRIORITY_GROUP, max_messages: 1, expires: 1_000 });
    let done = 0;
    for await (const m of messages) {
      const e = m.json<OrderEventMsg>();
      await delay(o.workMs);
      const at = performance.now() - t0;
      if (done === crashAfter) {
        handled.push({ worker, event: label(e), userId: e.userId, atMs: at, outcome: 'crashed' });
        diedAtMs = at;
        await conn.close(); // a crash: no ack, no more pulls
        return;
      }
      await m.ackAck();
      handled.push({ worker, event: label(e), userId: e.userId, atMs: performance.now() - t0, outcome: 'ack' });
      done += 1;
    }
  };
  try {
    await publishEvents(nats.js, o.events, 10);
    const a = run('worker-A', o.crashAfter);
    // B joins once A is pinned (A has handled an event), so the pin is A's.
    await waitFor(() => handled.some((h) => h.worker === 'worker-A'), { what: 'worker A pinned' });
    const b = run('worker-B', Number.POSITIVE_INFINITY);
    const acked = () => handled.filter((h) => h.outcome === 'ack').length;
    await waitFor(() => acked() === o.events.length, { timeoutMs: 10_000, what: `all ${o.events.length} events acked` });
    void a;
    void b;
    return { handled, diedAtMs };
  } finally {
    await Promise.all(conns.map((c) => c.close().catch(() => {})));
  }
}
