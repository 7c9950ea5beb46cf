// The chapter on a real private cluster: three nats-server nodes, ORDERS with 3 replicas, the
// stream leader SIGKILLed while the shop publishes and the worker consumes. One scene (a cluster
// and an election are expensive), several claims checked against what it recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateNatsCluster } from '@mq/shared/services';
import { runFailover, type FailoverReport } from '../src/failover';
import { natsBinaryVersion } from '@mq/shared/services';

const TOTAL = 300;
let cluster: PrivateNatsCluster;
let r: FailoverReport;

beforeAll(async () => {
  cluster = await PrivateNatsCluster.start({ size: 3 });
  r = await runFailover(cluster, { total: TOTAL, killAfter: 120, lanes: 8, ackWaitMs: 1_000, deadlineMs: 25_000 });
  // Issue 15: per server version, how many acks the cluster had confirmed came back after the kill (printed, not asserted).
  const back = r.worker.confirmedThenRedelivered;
  console.log(
    `[nats-server ${natsBinaryVersion() ?? '?'}] acks confirmed by the cluster and redelivered anyway after the leader kill: ` +
      `${back.length}${back.length ? ` (${back.slice(0, 5).join(', ')}${back.length > 5 ? ', ...' : ''})` : ''}`,
  );
}, 60_000);
afterAll(() => cluster?.dispose());

describe('three-node JetStream cluster, stream leader killed mid-stream', () => {
  it('formed: a meta leader, and ORDERS led by one node with the other two as replicas', () => {
    const names = cluster.nodes.map((n) => n.name);
    expect(names).toContain(r.metaLeader);
    expect(r.replicasBefore).toHaveLength(2);
    expect([r.leaderBefore, ...r.replicasBefore].sort()).toEqual(names.sort());
  });

  it('elected a new leader among the survivors after the SIGKILL, with publishes in flight', () => {
    expect(r.killed).toBe(r.leaderBefore);
    expect(r.replicasBefore).toContain(r.newLeader);
    expect(r.inFlightAtKill, 'publishes in flight at the kill').toBeGreaterThanOrEqual(1);
    expect(r.inFlightAtKill, 'publishes in flight at the kill').toBeLessThanOrEqual(8);
    // The SIGKILL went out right at the 120th PubAck: by the history's clock, fewer than one more
    // round of the 8 lanes had been acknowledged before it, and the report agrees with the history.
    const ackedBeforeKill = r.history.filter((a) => a.outcome === 'ok' && a.completedAt <= r.killAt).length;
    expect(ackedBeforeKill).toBeLessThan(120 + 8);
    expect(r.ackedAtKill).toBe(ackedBeforeKill);
  });

  it('lost no acknowledged order and stored none twice (checker over every attempt)', () => {
    expect(r.verdict.lostAcked).toEqual([]);
    expect(r.verdict.duplicatesInStream).toEqual([]);
    expect(r.verdict.failedButStored).toEqual([]);
    expect(r.verdict.acked).toBe(TOTAL);
    expect(r.stored).toHaveLength(TOTAL);
    // The failover was felt: the publishes in flight at the kill could not get their PubAck from the dead leader.
    const notOk = r.history.filter((a) => a.outcome !== 'ok');
    expect(notOk.length, 'attempts that failed or timed out while there was no leader').toBeGreaterThanOrEqual(r.inFlightAtKill);
  });

  it('deduplicated, on the new leader, a resend of orders the old leader had acknowledged', () => {
    // Each resend is answered "duplicate" with the sequence the old leader gave it, and the stream
    // (read back after the resends) still holds each order once.
    expect(r.resent.map((x) => x.duplicate)).toEqual([true, true, true, true, true]);
    expect(r.resent.map((x) => x.seq)).toEqual(r.resent.map((x) => x.originalSeq));
    expect(new Set(r.stored).size).toBe(TOTAL);
  });

  it('kept the shop publishing after it reconnected to a survivor by itself', () => {
    expect(r.replicasBefore).toContain(r.publisherMovedTo);
    // Every order not yet started at the kill was published, and acked, after it.
    const notStartedAtKill = TOTAL - r.ackedAtKill - r.inFlightAtKill;
    expect(r.ackedAfterKill.length, 'orders acked by attempts started after the kill').toBeGreaterThanOrEqual(notStartedAtKill);
    expect(r.firstAckAfterKillMs, 'ms from the kill to the first PubAck after it').toEqual(expect.any(Number));
  });

  it('kept the email worker going: every acknowledged order processed, including ones after the kill', () => {
    const processed = new Set(r.worker.processedIds);
    const acked = [...new Set(r.history.filter((a) => a.outcome === 'ok').map((a) => a.id))];
    expect(acked.filter((id) => !processed.has(id)), 'acknowledged orders never processed').toEqual([]);
    expect(r.ackedAfterKill.filter((id) => !processed.has(id)), 'orders acked after the kill, never processed').toEqual([]);
    const notStartedAtKill = TOTAL - r.ackedAtKill - r.inFlightAtKill;
    expect(r.worker.processedAfterKill, 'orders first processed after the kill').toBeGreaterThanOrEqual(notStartedAtKill);
  });

  it('caught the restarted node up: current, lag 0, and it holds every message itself', () => {
    const back = r.replicasAfter.find((p) => p.name === r.killed);
    expect(back).toMatchObject({ current: true });
    expect(back?.lag ?? 0).toBe(0);
    expect(r.restartedNodeMessages).toBe(TOTAL);
  });
});
