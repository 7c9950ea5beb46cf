// The chapter's scene on a private three-node cluster: ORDERS with 3 replicas, a shop publishing
// with PubAcks and an email worker consuming, then the stream leader is SIGKILLed mid-stream. The
// survivors elect a new leader, the clients reconnect to them by themselves, the killed node is
// restarted and catches up. Everything is recorded for the checker and the timeline.
import { jetstreamManager, RetentionPolicy, type JetStreamManager, type PeerInfo } from '@nats-io/jetstream';
import { connectNats, emailTask, ensureDurable, ensureStream, makeOrder, ordersStreamConfig, ORDERS, TASK_SUBJECTS, waitFor, type Nats, type TimelineEvent } from '@mq/shared';
import type { PrivateNatsCluster } from '@mq/shared/services';
import { EMAIL_WORKER, EmailWorker } from './email-worker';
import { check, type CheckResult, type PublishAttempt } from './history';
import { FailoverPublisher } from './publisher';
import { storedMessageIds } from './stored-ids';
import { waitForCaughtUp, waitForHealthyStream, waitForNewLeader } from './stream-leader';

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
  worker: { processedIds: string[]; repeats: number; processedAfterKill: number; errors: number };
  restartedAt: number;
  caughtUpMs: number;
  replicasAfter: PeerInfo[];
  /** Messages in ORDERS as the restarted node itself reports them (/jsz on that node). */
  restartedNodeMessages: number;
  timeline: TimelineEvent[];
}

interface JszStreams {
  account_details?: { stream_detail?: { name: string; state: { messages: number } }[] }[];
}

export async function runFailover(cluster: PrivateNatsCluster, opts: FailoverOptions = {}): Promise<FailoverReport> {
  const total = opts.total ?? 400;
  const killAfter = opts.killAfter ?? Math.floor(total * 0.4);
  const lanes = opts.lanes ?? 8;
  // Orders must still be waiting to be published after the kill, or there is no failover to see.
  if (killAfter < 1 || killAfter > total - lanes) throw new RangeError(`killAfter must be between 1 and total - lanes (${total - lanes}), got ${killAfter}`);
  const deadlineMs = opts.deadlineMs ?? 30_000;
  const events: TimelineEvent[] = [];
  const conns: Nats[] = [];
  let worker: EmailWorker | undefined;
  let phase = 'waiting for the meta leader';
  try {
    const metaLeader = await cluster.waitForMetaLeader(deadlineMs);
    phase = 'creating ORDERS (R3) and the email-worker durable';
    const admin = await connectNats(cluster.urls()[0], { servers: cluster.urls(), name: 'admin' });
    conns.push(admin);
    // The story's ORDERS, replicated 3 ways. Limits retention (not work-queue) so the checker can read
    // every message back after the worker has acked it. Retried: on a busy machine the first
    // create can time out after the cluster has already applied it; a retry then updates in place.
    await waitFor(() => ensureStream(admin.jsm, ordersStreamConfig({ num_replicas: 3, retention: RetentionPolicy.Limits })), { timeoutMs: deadlineMs, intervalMs: 200, what: 'ORDERS (R3) to be created' });
    await waitFor(() => ensureDurable(admin.jsm, ORDERS, EMAIL_WORKER, { ackWaitMs: opts.ackWaitMs ?? 1_000 }), { timeoutMs: deadlineMs, intervalMs: 200, what: 'the email-worker durable' });
    const healthy = await waitForHealthyStream(admin.jsm, ORDERS, 3, deadlineMs);
    const leader = healthy.cluster!.leader!;
    const consumerLeaderBefore = (await admin.jsm.consumers.info(ORDERS, EMAIL_WORKER)).cluster?.leader;
    const followers = cluster.nodes.filter((n) => n.name !== leader).map((n) => n.name);

    phase = 'connecting the observer, the shop and the worker';
    // An observer on a follower (it will not lose its server) with a short API timeout for polling.
    const observer = await connectNats(cluster.node(followers[0]).url, { servers: cluster.urls(followers[0]), noRandomize: true, name: 'observer' });
    conns.push(observer);
    const watchJsm: JetStreamManager = await jetstreamManager(observer.nc, { timeout: 500 });
    // The shop and the worker both sit on the node that is about to die.
    const shop = await connectNats(cluster.node(leader).url, { servers: cluster.urls(leader), noRandomize: true, name: 'shop' });
    const workerConn = await connectNats(cluster.node(leader).url, { servers: cluster.urls(leader), noRandomize: true, name: 'email-worker' });
    conns.push(shop, workerConn);

    const t0 = performance.now();
    const now = () => performance.now() - t0;
    events.push({ atMs: 0, who: 'cluster', what: `meta leader ${metaLeader}; ORDERS (R3) leader ${leader}, replicas ${followers.join(', ')}; email-worker leader ${consumerLeaderBefore}` });
    let publisherMovedTo: string | undefined;
    void (async () => {
      for await (const s of shop.nc.status()) {
        if (s.type === 'disconnect') events.push({ atMs: now(), who: 'shop', what: `lost its connection to ${cluster.nodeByUrl(s.server)?.name ?? s.server}` });
        if (s.type === 'reconnect') {
          publisherMovedTo = cluster.nodeByUrl(s.server)?.name ?? s.server;
          events.push({ atMs: now(), who: 'shop', what: `reconnected by itself to ${publisherMovedTo}` });
        }
      }
    })();

    worker = new EmailWorker(workerConn.nc, ORDERS, t0).start();
    // The kill is armed by the publisher's hook on the killAfter-th PubAck and fired with
    // setImmediate: that runs after the microtasks in which the lanes send their next publishes
    // (and the client writes them to the socket), but before the event loop reads the socket
    // again. So the leader dies with those publishes unanswered, and with at most the PubAcks that
    // arrived in the same read as the killAfter-th counted. kill() sends SIGKILL before its first
    // await. (Polling the ack count from a timer instead lets a stalled event loop see every order
    // acked before the kill, and the scene would have no failover in it.)
    let kill: { at: number; inFlight: number; acked: number; done: Promise<void> } | undefined;
    let armed = false;
    const publisher: FailoverPublisher = new FailoverPublisher({
      onAck: (acked) => {
        if (acked < killAfter || armed) return;
        armed = true;
        setImmediate(() => {
          kill = { at: now(), inFlight: publisher.inFlight, acked: publisher.ackedOrders, done: cluster.node(leader).server.kill() };
        });
      },
      nc: shop.nc,
      subject: TASK_SUBJECTS.send_email,
      total,
      lanes,
      timeoutMs: opts.publishTimeoutMs ?? 1_000,
      retryMs: opts.retryMs ?? 100,
      t0,
    });
    events.push({ atMs: 0, who: 'shop', what: `publishing ${total} orders, ${lanes} at a time, each retried with its Nats-Msg-Id until it has a PubAck` });
    phase = 'publishing before the kill';
    const publishing = publisher.run();

    const fired = await waitFor(() => kill, { timeoutMs: deadlineMs, what: `${killAfter} PubAcks and the kill` });
    await fired.done;
    const { at: killAt, inFlight: inFlightAtKill, acked: ackedAtKill } = fired;
    events.push({ atMs: killAt, who: 'cluster', what: `SIGKILL ${leader} (stream leader): ${ackedAtKill} orders acked so far, ${inFlightAtKill} publishes in flight` });

    phase = 'waiting for a new stream leader';
    const elected = await waitForNewLeader(watchJsm, ORDERS, leader, deadlineMs);
    const electedAt = elected.seenAt - t0;
    events.push({ atMs: electedAt, who: 'cluster', what: `new stream leader ${elected.leader} (seen ${Math.round(electedAt - killAt)} ms after the kill)` });

    // The operator brings the dead node back as soon as the cluster has a new leader; it rejoins
    // as a follower and catches up while the shop is still publishing.
    const rejoining = (async () => {
      await cluster.node(leader).server.restart();
      const restartedAt = now();
      events.push({ atMs: restartedAt, who: 'cluster', what: `${leader} restarted on its old store` });
      await waitForCaughtUp(watchJsm, ORDERS, leader, deadlineMs);
      return { restartedAt, caughtUpAt: now() };
    })();
    rejoining.catch(() => {}); // awaited below; this only keeps an early failure from being reported as unhandled

    phase = 'publishing after the kill';
    await publishing;
    const firstAck = publisher.history.filter((a) => a.outcome === 'ok' && a.invokedAt > killAt).sort((a, b) => a.completedAt - b.completedAt)[0];
    if (firstAck) events.push({ atMs: firstAck.completedAt, who: 'shop', what: `first PubAck after the kill (${firstAck.id}, seq ${firstAck.seq})` });
    events.push({ atMs: now(), who: 'shop', what: `done: all ${publisher.ackedOrders} of ${total} orders have a PubAck` });

    // Dedupe across the leader change: resend the last orders the OLD leader acknowledged, same ids.
    phase = 'resending orders acknowledged by the old leader';
    const beforeKill = publisher.history.filter((a) => a.outcome === 'ok' && a.completedAt < killAt).sort((a, b) => b.completedAt - a.completedAt).slice(0, 5);
    const resent: FailoverReport['resent'] = [];
    for (const a of beforeKill) {
      const order = makeOrder(Number(a.id.slice(4)));
      const ack = await shop.js.publish(TASK_SUBJECTS.send_email, JSON.stringify(emailTask(order)), { msgID: a.id });
      resent.push({ id: a.id, originalSeq: a.seq ?? 0, seq: ack.seq, duplicate: ack.duplicate });
    }
    events.push({ atMs: now(), who: 'shop', what: `resent ${resent.length} orders the old leader had acked: ${resent.filter((x) => x.duplicate).length} answered "duplicate" by ${elected.leader}` });

    phase = `waiting for ${leader} to catch up`;
    const { restartedAt, caughtUpAt } = await rejoining;
    const after = await observer.jsm.streams.info(ORDERS);
    events.push({ atMs: caughtUpAt, who: 'cluster', what: `${leader} caught up: current, lag 0 (leader ${after.cluster?.leader})` });

    phase = 'reading ORDERS back for the checker';
    // Right after a node rejoins, the meta group may still be settling and a JetStream API request
    // (here: creating the ordered consumer) can time out. That is an answer of "not yet", so retry.
    await cluster.waitForMetaLeader();
    const stored = await waitFor(() => storedMessageIds(observer.js, observer.jsm, ORDERS), { timeoutMs: deadlineMs, what: 'ORDERS to be readable after the failover' });
    const verdict = check(publisher.history, stored);
    const acked = new Set(publisher.history.filter((a) => a.outcome === 'ok').map((a) => a.id));
    const w = worker;
    phase = 'waiting for the email worker';
    await waitFor(() => [...acked].every((id) => w.firstProcessed.has(id)), { timeoutMs: deadlineMs, what: 'the email worker to process every acknowledged order' });
    const lastProcessedAt = Math.max(...w.firstProcessed.values());
    events.push({ atMs: lastProcessedAt, who: 'worker', what: `has processed all ${acked.size} acknowledged orders, ${w.processedAfter(killAt)} of them after the kill (${w.repeats} redeliveries)` });
    const metaAfter = await cluster.metaLeader();
    if (metaAfter && metaAfter !== metaLeader) events.push({ atMs: now(), who: 'cluster', what: `meta leader is now ${metaAfter} (the old one, ${metaLeader}, was killed too)` });
    const firstError = w.errors[0];
    if (firstError) events.push({ atMs: firstError.at, who: 'worker', what: `first error: ${firstError.error.slice(0, 60)} (keeps retrying)` });

    phase = `asking ${leader} for its own view (/jsz)`;
    // The restarted node's own store, not the leader's word for it: its /jsz must list every message.
    const ownMessages = async () => {
      const jsz = await cluster.monitor<JszStreams>(cluster.node(leader), '/jsz?streams=true');
      return jsz.account_details?.flatMap((a) => a.stream_detail ?? []).find((s) => s.name === ORDERS)?.state.messages ?? -1;
    };
    await waitFor(async () => (await ownMessages()) === stored.length, { timeoutMs: 5_000, what: `${leader}'s own /jsz to list ${stored.length} messages` });
    const restartedNodeMessages = await ownMessages();

    return {
      metaLeader,
      leaderBefore: leader,
      consumerLeaderBefore,
      replicasBefore: followers,
      killed: leader,
      killAt,
      inFlightAtKill,
      ackedAtKill,
      newLeader: elected.leader,
      electionMs: Math.round(electedAt - killAt),
      firstAckAfterKillMs: firstAck ? Math.round(firstAck.completedAt - killAt) : undefined,
      ackedAfterKill: [...new Set(publisher.history.filter((a) => a.outcome === 'ok' && a.invokedAt > killAt).map((a) => a.id))],
      publisherMovedTo,
      history: publisher.history,
      resent,
      stored,
      verdict,
      worker: { processedIds: [...w.firstProcessed.keys()], repeats: w.repeats, processedAfterKill: w.processedAfter(killAt), errors: w.errors.length },
      restartedAt,
      caughtUpMs: Math.round(caughtUpAt - restartedAt),
      replicasAfter: after.cluster?.replicas ?? [],
      restartedNodeMessages,
      timeline: events,
    };
  } catch (err) {
    throw new Error(`cluster scene failed while ${phase}: ${(err as Error).message}`, { cause: err });
  } finally {
    await worker?.stop();
    await Promise.allSettled(conns.map((c) => c.close()));
  }
}
