// What a current server does natively, beside the hand-built partitions: the server's own
// partition() subject mapping (an FNV-1a hash, not userId % 10), and a pinned priority group that
// keeps one active worker per partition with automatic failover (2.11+).
import type { Nats, Output } from '@mq/shared';
import { orderEvents, partitionOf } from './partitions';
import { pinnedFailover, PINNED_SINCE } from './pinned-failover';
import { natsServerVersion, versionAtLeast } from '@mq/shared';
import { mappedPartition, MAPPED_FROM, MAPPED_TO, serverPartitions } from './subject-mapping';

export const MAPPING_USERS = [7, 42, 100, 101, 123, 4242];

export async function sceneSubjectMapping(out: Output): Promise<void> {
  out.step('The server partitions for you: a subject mapping with partition(10, 1)');
  out.say(`a private nats-server whose config maps "${MAPPED_FROM}" to "${MAPPED_TO}" (partition number, then the user id)`);
  let server: Map<number, number>;
  try {
    server = await serverPartitions(MAPPING_USERS, 10);
  } catch (err) {
    out.say(`skipped: this scene starts its own nats-server and could not (${(err as Error).message})`);
    return;
  }
  out.table(
    MAPPING_USERS.map((u) => ({
      user: u,
      'userId % 10': partitionOf(u, 10),
      'server partition()': server.get(u)!,
      'FNV-1a(text) % 10': mappedPartition(u, 10),
    })),
  );
  const moved = MAPPING_USERS.filter((u) => server.get(u) !== partitionOf(u, 10));
  out.say(`partition() hashes the token's text with FNV-1a: ${moved.length} of ${MAPPING_USERS.length} users land elsewhere than userId % 10.`);
  out.say('Either spreads users; mixing them breaks per-user order. With the mapping, producers publish l06.orders.<userId> and never compute it.');
}

export async function scenePinnedFailover(nats: Nats, url: string, out: Output): Promise<void> {
  const version = natsServerVersion(nats.nc);
  out.step('One active worker per partition, with failover: a pinned priority group');
  if (!versionAtLeast(version, PINNED_SINCE)) {
    out.say(`skipped: priority groups need nats-server ${PINNED_SINCE}+, this one is ${version}. On 2.9 the hand-built version above is the answer:`);
    out.say('exactly one worker per partition consumer, and a dead worker means a stalled partition until someone restarts it.');
    return;
  }
  out.say('partition 3, users 3, 13, 23; workers A and B both pull in group "lane"; A is pinned and dies holding its 5th event');
  const events = orderEvents([3, 13, 23]);
  const timing = { workMs: 20, crashAfter: 4, ackWaitMs: 1_000, priorityTimeoutMs: 1_000 };
  const r = await pinnedFailover(url, nats, { partition: 3, events, ...timing });
  out.timeline(r.handled.map((h) => ({ atMs: h.atMs, who: h.worker, what: `${h.outcome === 'ack' ? 'done ✔' : 'DIES holding'} ${h.event}` })));
  const beforeDeath = r.handled.filter((h) => h.worker === 'worker-B' && h.atMs < r.diedAtMs).length;
  out.ok(`worker B handled ${beforeDeath} events while A was alive, then took over ${Math.round(r.handled.find((h) => h.worker === 'worker-B')!.atMs - r.diedAtMs)} ms after A died, starting with A's unfinished event`);
}
