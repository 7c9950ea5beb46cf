// Why this file exists: fan-out and queue in JetStream, per seed 003 and seed 004's mapping.
// Fan-out = one durable consumer PER subscriber (fanout-A, fanout-B): each keeps its own position
// and gets every message. Queue = ONE durable shared by several members: the consumer hands each
// message to one pull request, so members split the work. Both read the same limits (or interest)
// stream; a work-queue stream would refuse the overlapping consumers (see workqueue-refusal.ts).
import { ensureDurable, ensureStream, PullWorker, waitFor, type Nats } from '@mq/shared';
import { RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { emptyDistribution, type Distribution } from './distribution';

export const FANOUT = ['fanout-A', 'fanout-B'] as const;
export const MEMBERS = ['member-1', 'member-2'] as const;
export const QUEUE_DURABLE = 'queue-workers';

export interface ModesOptions {
  /** Used for the stream, the consumers' info and publishing. */
  nats: Nats;
  /** A fresh connection per subscriber or member (separate processes, in real life). */
  connect: (name: string) => Promise<Nats>;
  stream: string;
  subject: string;
  retention?: 'limits' | 'interest';
  /** AckWait of the three durables (default 10 s; nothing here is meant to time out). */
  ackWaitMs?: number;
  /** Called inside a receiver's handler before it acks (tests use it to hold one receiver). */
  beforeAck?: (receiver: string, n: number) => Promise<void> | void;
}

export interface JetStreamModes {
  /** Publish `count` messages, wait until every receiver has what it should, and return who got what. */
  round(count: number, opts?: { timeoutMs?: number }): Promise<Distribution>;
  stop(): Promise<void>;
}

export async function createModesStream(jsm: JetStreamManager, stream: string, subject: string, retention: 'limits' | 'interest' = 'limits'): Promise<void> {
  await ensureStream(jsm, {
    name: stream,
    subjects: [subject],
    storage: StorageType.Memory, // this lesson is about routing, not durability
    retention: retention === 'interest' ? RetentionPolicy.Interest : RetentionPolicy.Limits,
    max_bytes: 64 * 1024 * 1024,
  });
}

export async function startJetStreamModes(opts: ModesOptions): Promise<JetStreamModes> {
  const { jsm, js } = opts.nats;
  await createModesStream(jsm, opts.stream, opts.subject, opts.retention);
  // #region look-durables
  // Independent durables for fan-out, one shared durable for the queue.
  const ackWaitMs = opts.ackWaitMs ?? 10_000;
  for (const name of FANOUT) await ensureDurable(jsm, opts.stream, name, { ackWaitMs });
  await ensureDurable(jsm, opts.stream, QUEUE_DURABLE, { ackWaitMs });

  let current: Distribution = emptyDistribution([...FANOUT, ...MEMBERS], []);
  let base = 0; // message numbers continue across rounds
  const workers: PullWorker[] = [];
  const conns: Nats[] = [];
  const start = async (receiver: string, consumer: string, batch: number) => {
    const conn = await opts.connect(receiver);
    conns.push(conn);
    const w = new PullWorker({
      js: conn.js,
      stream: opts.stream,
      consumer,
      batch,
      handler: async (msg) => {
        const n = (msg.json() as { n: number }).n;
        current.received[receiver].push(n);
        await opts.beforeAck?.(receiver, n);
      },
    });
    workers.push(w.start());
  };
  for (const name of FANOUT) await start(name, name, 10);
  // Queue members fetch ONE message at a time: a member holding a batch of 10 would take most of
  // a short burst before the other member's pull request is even served.
  for (const name of MEMBERS) await start(name, QUEUE_DURABLE, 1);
  // #endregion look-durables

  return {
    async round(count, { timeoutMs = 10_000 } = {}) {
      const messages = Array.from({ length: count }, (_, i) => base + i + 1);
      base += count;
      current = emptyDistribution([...FANOUT, ...MEMBERS], messages);
      // Both members must have a pull request waiting before the burst, so neither can be left
      // out of it (typically messages 1 and 2 go to different members, but that is not promised).
      await waitFor(async () => (await jsm.consumers.info(opts.stream, QUEUE_DURABLE)).num_waiting >= MEMBERS.length, {
        timeoutMs: 5_000,
        what: 'both queue members to be waiting for messages',
      });
      await Promise.all(messages.map((n) => js.publish(opts.subject, JSON.stringify({ n }))));
      const done = () =>
        FANOUT.every((r) => current.received[r].length >= count) && MEMBERS.reduce((s, m) => s + current.received[m].length, 0) >= count;
      await waitFor(done, { timeoutMs, what: `every receiver to get its share of ${count} messages` });
      return structuredClone(current);
    },
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(conns.map((c) => c.close()));
    },
  };
}
