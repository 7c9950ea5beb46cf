// The scene itself: the shop publishes while the email worker consumes, and the ORDERS stream
// leader is SIGKILLed mid-stream. The survivors elect a new leader, the clients reconnect to them
// by themselves, the killed node is restarted as soon as there is a new leader and catches up
// while the shop is still publishing. Everything is recorded for verify.ts and the timeline.
import { emailTask, makeOrder, ORDERS, TASK_SUBJECTS, waitFor, type TimelineEvent } from '@mq/shared';
import { EmailWorker } from './email-worker';
import type { PublishAttempt } from './history';
import { FailoverPublisher } from './publisher';
import type { SceneSetup } from './setup';
import { waitForCaughtUp, waitForNewLeader } from './stream-leader';

export interface KillOptions {
  total: number;
  killAfter: number;
  lanes: number;
  publishTimeoutMs: number;
  retryMs: number;
  deadlineMs: number;
}

export interface KillRecord {
  t0: number;
  now: () => number;
  events: TimelineEvent[];
  worker: EmailWorker;
  history: PublishAttempt[];
  ackedOrders: number;
  /** ms since publishing started */
  killAt: number;
  inFlightAtKill: number;
  ackedAtKill: number;
  newLeader: string;
  electedAt: number;
  firstAck?: PublishAttempt;
  publisherMovedTo?: string;
  resent: { id: string; originalSeq: number; seq: number; duplicate: boolean }[];
  /** The killed node's restart and catch-up, still running when the record is returned. */
  rejoining: Promise<{ restartedAt: number; caughtUpAt: number }>;
}

export interface KillHooks {
  /** What the scene is doing now, for the error message if it fails there. */
  step: (what: string) => void;
  /** The worker, as soon as it runs, so the caller can stop it whatever happens. */
  onWorker: (w: EmailWorker) => void;
}

export async function killLeaderMidStream(s: SceneSetup, opts: KillOptions, hooks: KillHooks): Promise<KillRecord> {
  const { step } = hooks;
  const { cluster, leader, deadlineMs } = { ...s, ...opts };
  const events: TimelineEvent[] = [];
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const where = (server: string) => cluster.nodeByUrl(server)?.name ?? server;
  const cluster0 = `meta leader ${s.metaLeader}; ORDERS (R3) leader ${leader}, replicas ${s.followers.join(', ')}`;
  events.push({ atMs: 0, who: 'cluster', what: `${cluster0}; email-worker leader ${s.consumerLeaderBefore}` });
  let publisherMovedTo: string | undefined;
  void (async () => {
    for await (const st of s.shop.nc.status()) {
      if (st.type === 'disconnect') events.push({ atMs: now(), who: 'shop', what: `lost its connection to ${where(st.server)}` });
      if (st.type === 'reconnect') {
        publisherMovedTo = where(st.server);
        events.push({ atMs: now(), who: 'shop', what: `reconnected by itself to ${publisherMovedTo}` });
      }
    }
  })();

  const worker = new EmailWorker(s.workerConn.nc, ORDERS, t0).start();
  hooks.onWorker(worker);
  // The kill is armed by the publisher's hook on the killAfter-th PubAck and fired with
  // setImmediate: that runs after the microtasks in which the lanes send their next publishes
  // (and the client writes them to the socket), but before the event loop reads the socket
  // again. So the leader dies with those publishes unanswered, and with at most the PubAcks that
  // arrived in the same read as the killAfter-th counted. kill() sends SIGKILL before its first
  // await. (Polling the ack count from a timer instead lets a stalled event loop see every order
  // acked before the kill, and the scene would have no failover in it.)
  // #region look-kill
  let kill: { at: number; inFlight: number; acked: number; done: Promise<void> } | undefined;
  let armed = false;
  const publisher: FailoverPublisher = new FailoverPublisher({
    onAck: (acked) => {
      if (acked < opts.killAfter || armed) return;
      armed = true;
      setImmediate(() => {
        kill = { at: now(), inFlight: publisher.inFlight, acked: publisher.ackedOrders, done: cluster.node(leader).server.kill() };
      });
    },
    nc: s.shop.nc,
    subject: TASK_SUBJECTS.send_email,
    total: opts.total,
    lanes: opts.lanes,
    timeoutMs: opts.publishTimeoutMs,
    retryMs: opts.retryMs,
    t0,
  });
  // #endregion look-kill
  const each = `each retried with its Nats-Msg-Id until it has a PubAck`;
  events.push({ atMs: 0, who: 'shop', what: `publishing ${opts.total} orders, ${opts.lanes} at a time, ${each}` });
  step('publishing before the kill');
  const publishing = publisher.run();

  const fired = await waitFor(() => kill, { timeoutMs: deadlineMs, what: `${opts.killAfter} PubAcks and the kill` });
  await fired.done;
  const what = `SIGKILL ${leader} (stream leader): ${fired.acked} orders acked so far, ${fired.inFlight} publishes in flight`;
  events.push({ atMs: fired.at, who: 'cluster', what });

  step('waiting for a new stream leader');
  const elected = await waitForNewLeader(s.watchJsm, ORDERS, leader, deadlineMs);
  const electedAt = elected.seenAt - t0;
  const seen = `seen ${Math.round(electedAt - fired.at)} ms after the kill`;
  events.push({ atMs: electedAt, who: 'cluster', what: `new stream leader ${elected.leader} (${seen})` });

  // The operator brings the dead node back as soon as the cluster has a new leader; it rejoins
  // as a follower and catches up while the shop is still publishing.
  const rejoining = (async () => {
    await cluster.node(leader).server.restart();
    const restartedAt = now();
    events.push({ atMs: restartedAt, who: 'cluster', what: `${leader} restarted on its old store` });
    await waitForCaughtUp(s.watchJsm, ORDERS, leader, deadlineMs);
    return { restartedAt, caughtUpAt: now() };
  })();
  rejoining.catch(() => {}); // awaited by verify; this only keeps an early failure from being reported as unhandled

  step('publishing after the kill');
  await publishing;
  const firstAck = publisher.history
    .filter((a) => a.outcome === 'ok' && a.invokedAt > fired.at)
    .sort((a, b) => a.completedAt - b.completedAt)[0];
  if (firstAck) {
    events.push({ atMs: firstAck.completedAt, who: 'shop', what: `first PubAck after the kill (${firstAck.id}, seq ${firstAck.seq})` });
  }
  events.push({ atMs: now(), who: 'shop', what: `done: all ${publisher.ackedOrders} of ${opts.total} orders have a PubAck` });

  // Dedupe across the leader change: resend the last orders the OLD leader acknowledged, same ids.
  step('resending orders acknowledged by the old leader');
  const beforeKill = publisher.history
    .filter((a) => a.outcome === 'ok' && a.completedAt < fired.at)
    .sort((a, b) => b.completedAt - a.completedAt)
    .slice(0, 5);
  const resent: KillRecord['resent'] = [];
  for (const a of beforeKill) {
    const order = makeOrder(Number(a.id.slice(4)));
    const ack = await s.shop.js.publish(TASK_SUBJECTS.send_email, JSON.stringify(emailTask(order)), { msgID: a.id });
    resent.push({ id: a.id, originalSeq: a.seq ?? 0, seq: ack.seq, duplicate: ack.duplicate });
  }
  const dups = resent.filter((x) => x.duplicate).length;
  const resentWhat = `resent ${resent.length} orders the old leader had acked: ${dups} answered "duplicate" by ${elected.leader}`;
  events.push({ atMs: now(), who: 'shop', what: resentWhat });

  return {
    t0,
    now,
    events,
    worker,
    history: publisher.history,
    ackedOrders: publisher.ackedOrders,
    killAt: fired.at,
    inFlightAtKill: fired.inFlight,
    ackedAtKill: fired.acked,
    newLeader: elected.leader,
    electedAt,
    firstAck,
    get publisherMovedTo() {
      return publisherMovedTo;
    },
    resent,
    rejoining,
  };
}
