// Why this file exists: the same two patterns in core NATS, per seed 004's mapping. Fan-out is
// just several plain subscribers; a queue is subscribers that share a queue group name
// (`subscribe(subject, { queue })`): the server hands each message to one member of the group.
// No stream, no ack, no persistence: only subscribers connected at publish time receive anything.
import { waitFor, type Nats } from '@mq/shared';
import type { Subscription } from '@nats-io/transport-node';
import { emptyDistribution, type Distribution } from './distribution';

export const CORE_FANOUT = ['sub-A', 'sub-B'] as const;
export const CORE_MEMBERS = ['q-member-1', 'q-member-2'] as const;
export const QUEUE_GROUP = 'workers';

export interface CoreModes {
  round(count: number, opts?: { timeoutMs?: number }): Promise<Distribution>;
  stop(): Promise<void>;
}

export async function startCoreModes(opts: { nats: Nats; connect: (name: string) => Promise<Nats>; subject: string }): Promise<CoreModes> {
  let current: Distribution = emptyDistribution([...CORE_FANOUT, ...CORE_MEMBERS], []);
  let base = 0;
  const conns: Nats[] = [];
  const subs: Subscription[] = [];
  // #region look-core
  const add = async (receiver: string, queue?: string) => {
    const conn = await opts.connect(receiver);
    conns.push(conn);
    subs.push(
      conn.nc.subscribe(opts.subject, {
        ...(queue ? { queue } : {}),
        callback: (err, msg) => {
          if (!err) current.received[receiver].push((msg.json() as { n: number }).n);
        },
      }),
    );
    await conn.nc.flush(); // the server has registered the subscription once the flush returns
  };
  for (const r of CORE_FANOUT) await add(r);
  for (const r of CORE_MEMBERS) await add(r, QUEUE_GROUP);
  // #endregion look-core

  return {
    async round(count, { timeoutMs = 5_000 } = {}) {
      const messages = Array.from({ length: count }, (_, i) => base + i + 1);
      base += count;
      current = emptyDistribution([...CORE_FANOUT, ...CORE_MEMBERS], messages);
      for (const n of messages) opts.nats.nc.publish(opts.subject, JSON.stringify({ n }));
      await opts.nats.nc.flush();
      const membersGot = () => CORE_MEMBERS.reduce((s, m) => s + current.received[m].length, 0);
      const done = () => CORE_FANOUT.every((r) => current.received[r].length >= count) && membersGot() >= count;
      await waitFor(done, { timeoutMs, what: `every core subscriber to get its share of ${count} messages` });
      return structuredClone(current);
    },
    async stop() {
      for (const s of subs) s.unsubscribe();
      await Promise.all(conns.map((c) => c.close()));
    },
  };
}
