// After the scene: read ORDERS back and judge every publish attempt with the checker (history.ts),
// wait until the email worker has processed every acknowledged order, and ask the restarted node
// for its own view of the stream (/jsz), not the leader's word for it.
import { ORDERS, waitFor, type TimelineEvent } from '@mq/shared';
import type { PeerInfo } from '@nats-io/jetstream';
import { check, type CheckResult } from './history';
import type { KillRecord } from './kill-leader';
import type { SceneSetup } from './setup';
import { storedMessageIds } from './stored-ids';

export interface Verified {
  stored: string[];
  verdict: CheckResult;
  restartedAt: number;
  caughtUpMs: number;
  replicasAfter: PeerInfo[];
  restartedNodeMessages: number;
  worker: { processedIds: string[]; repeats: number; processedAfterKill: number; errors: number; confirmedThenRedelivered: string[] };
}

interface JszStreams {
  account_details?: { stream_detail?: { name: string; state: { messages: number } }[] }[];
}

export async function verifyFailover(s: SceneSetup, r: KillRecord, deadlineMs: number, step: (what: string) => void): Promise<Verified> {
  const { cluster, leader } = s;
  const events: TimelineEvent[] = r.events;
  step(`waiting for ${leader} to catch up`);
  const { restartedAt, caughtUpAt } = await r.rejoining;
  const after = await s.observer.jsm.streams.info(ORDERS);
  events.push({ atMs: caughtUpAt, who: 'cluster', what: `${leader} caught up: current, lag 0 (leader ${after.cluster?.leader})` });

  step('reading ORDERS back for the checker');
  // Right after a node rejoins, the meta group may still be settling and a JetStream API request
  // (here: creating the ordered consumer) can time out. That is an answer of "not yet", so retry.
  await cluster.waitForMetaLeader();
  const read = () => storedMessageIds(s.observer.js, s.observer.jsm, ORDERS);
  const stored = await waitFor(read, { timeoutMs: deadlineMs, what: 'ORDERS to be readable after the failover' });
  const verdict = check(r.history, stored);

  step('waiting for the email worker');
  const w = r.worker;
  const acked = new Set(r.history.filter((a) => a.outcome === 'ok').map((a) => a.id));
  const allProcessed = () => [...acked].every((id) => w.firstProcessed.has(id));
  await waitFor(allProcessed, { timeoutMs: deadlineMs, what: 'the email worker to process every acknowledged order' });
  const lastProcessedAt = Math.max(...w.firstProcessed.values());
  const done = `has processed all ${acked.size} acknowledged orders, ${w.processedAfter(r.killAt)} of them after the kill (${w.repeats} redeliveries)`;
  events.push({ atMs: lastProcessedAt, who: 'worker', what: done });
  const metaAfter = await cluster.metaLeader();
  if (metaAfter && metaAfter !== s.metaLeader) {
    events.push({ atMs: r.now(), who: 'cluster', what: `meta leader is now ${metaAfter} (the old one, ${s.metaLeader}, was killed too)` });
  }
  const firstError = w.errors[0];
  if (firstError) events.push({ atMs: firstError.at, who: 'worker', what: `first error: ${firstError.error.slice(0, 60)} (keeps retrying)` });

  step(`asking ${leader} for its own view (/jsz)`);
  const ownMessages = async () => {
    const jsz = await cluster.monitor<JszStreams>(cluster.node(leader), '/jsz?streams=true');
    return jsz.account_details?.flatMap((a) => a.stream_detail ?? []).find((x) => x.name === ORDERS)?.state.messages ?? -1;
  };
  const holdsAll = async () => (await ownMessages()) === stored.length;
  await waitFor(holdsAll, { timeoutMs: 5_000, what: `${leader}'s own /jsz to list ${stored.length} messages` });

  return {
    stored,
    verdict,
    restartedAt,
    caughtUpMs: Math.round(caughtUpAt - restartedAt),
    replicasAfter: after.cluster?.replicas ?? [],
    restartedNodeMessages: await ownMessages(),
    worker: {
      processedIds: [...w.firstProcessed.keys()],
      repeats: w.repeats,
      processedAfterKill: w.processedAfter(r.killAt),
      errors: w.errors.length,
      confirmedThenRedelivered: [...w.confirmedThenRedelivered],
    },
  };
}
