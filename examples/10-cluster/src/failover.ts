// The chapter's scene on a private three-node cluster, in three parts: set up (setup.ts: ORDERS
// with 3 replicas, the durable, the connections), run (kill-leader.ts: publish and consume while the
// stream leader is SIGKILLed, restart it), verify (verify.ts: the checker over every attempt, the
// worker, the restarted node's own store). This file runs them in order and hands back one report.
import type { PeerInfo } from '@nats-io/jetstream';
import type { TimelineEvent } from '@mq/shared';
import type { PrivateNatsCluster } from '@mq/shared/services';
import type { EmailWorker } from './email-worker';
import type { CheckResult, PublishAttempt } from './history';
import { killLeaderMidStream } from './kill-leader';
import { setupFailover } from './setup';
import { verifyFailover, type Verified } from './verify';

export interface FailoverOptions {
  /** Orders to publish in total. */
  total?: number;
  /** Kill the stream leader on the PubAck that makes this many acknowledged orders. Keep it below total - lanes. */
  killAfter?: number;
  /** Publishes in flight at once. */
  lanes?: number;
  /** PubAck timeout per attempt, ms. */
  publishTimeoutMs?: number;
  /** Retry interval of the shop, ms. */
  retryMs?: number;
  /** AckWait of the email-worker durable, ms. */
  ackWaitMs?: number;
  /** Deadline for each wait (election, catch-up, drain), ms. */
  deadlineMs?: number;
}

export interface FailoverReport {
  metaLeader: string;
  leaderBefore: string;
  consumerLeaderBefore?: string;
  replicasBefore: string[];
  killed: string;
  /** ms since publishing started */
  killAt: number;
  inFlightAtKill: number;
  ackedAtKill: number;
  newLeader: string;
  /** Kill -> an observer on a surviving node sees the new leader in stream info, ms (polled; an upper bound). */
  electionMs: number;
  /** Kill -> first PubAck for an attempt started after the kill, ms: the failover as the shop saw it. */
  firstAckAfterKillMs?: number;
  /** Ids that got their PubAck from an attempt started after the kill. */
  ackedAfterKill: string[];
  publisherMovedTo?: string;
  history: PublishAttempt[];
  /** Orders acked by the old leader, published again after the failover with the same id. */
  resent: { id: string; originalSeq: number; seq: number; duplicate: boolean }[];
  stored: string[];
  verdict: CheckResult;
  worker: Verified['worker'];
  restartedAt: number;
  caughtUpMs: number;
  replicasAfter: PeerInfo[];
  /** Messages in ORDERS as the restarted node itself reports them (/jsz on that node). */
  restartedNodeMessages: number;
  timeline: TimelineEvent[];
}

export async function runFailover(cluster: PrivateNatsCluster, opts: FailoverOptions = {}): Promise<FailoverReport> {
  const total = opts.total ?? 400;
  const killAfter = opts.killAfter ?? Math.floor(total * 0.4);
  const lanes = opts.lanes ?? 8;
  // Orders must still be waiting to be published after the kill, or there is no failover to see.
  if (killAfter < 1 || killAfter > total - lanes) {
    throw new RangeError(`killAfter must be between 1 and total - lanes (${total - lanes}), got ${killAfter}`);
  }
  const deadlineMs = opts.deadlineMs ?? 30_000;
  let phase = 'setting up ORDERS (R3), the email-worker durable and the connections';
  const step = (what: string) => (phase = what);
  let worker: EmailWorker | undefined;
  let setup: Awaited<ReturnType<typeof setupFailover>> | undefined;
  try {
    const s = (setup = await setupFailover(cluster, { ackWaitMs: opts.ackWaitMs ?? 1_000, deadlineMs }));
    const run = { total, killAfter, lanes, publishTimeoutMs: opts.publishTimeoutMs ?? 1_000, retryMs: opts.retryMs ?? 100, deadlineMs };
    const r = await killLeaderMidStream(s, run, { step, onWorker: (w) => (worker = w) });
    const v = await verifyFailover(s, r, deadlineMs, step);
    return {
      metaLeader: s.metaLeader,
      leaderBefore: s.leader,
      consumerLeaderBefore: s.consumerLeaderBefore,
      replicasBefore: s.followers,
      killed: s.leader,
      killAt: r.killAt,
      inFlightAtKill: r.inFlightAtKill,
      ackedAtKill: r.ackedAtKill,
      newLeader: r.newLeader,
      electionMs: Math.round(r.electedAt - r.killAt),
      firstAckAfterKillMs: r.firstAck ? Math.round(r.firstAck.completedAt - r.killAt) : undefined,
      ackedAfterKill: [...new Set(r.history.filter((a) => a.outcome === 'ok' && a.invokedAt > r.killAt).map((a) => a.id))],
      publisherMovedTo: r.publisherMovedTo,
      history: r.history,
      resent: r.resent,
      stored: v.stored,
      verdict: v.verdict,
      worker: v.worker,
      restartedAt: v.restartedAt,
      caughtUpMs: v.caughtUpMs,
      replicasAfter: v.replicasAfter,
      restartedNodeMessages: v.restartedNodeMessages,
      timeline: r.events,
    };
  } catch (err) {
    throw new Error(`cluster scene failed while ${phase}: ${(err as Error).message}`, { cause: err });
  } finally {
    await worker?.stop();
    await setup?.close();
  }
}
