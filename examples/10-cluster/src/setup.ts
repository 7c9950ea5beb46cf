// What the failover scene sets up on the private cluster before anything is killed: the story's
// ORDERS with 3 replicas (limits retention, so the checker can read every message back after the
// worker acked it), the email-worker durable, and the connections: an observer on a follower that
// will survive, and the shop and the worker both on the node that is about to die.
import { jetstreamManager, RetentionPolicy, type JetStreamManager } from '@nats-io/jetstream';
import { connectNats, ensureDurable, ensureStream, ordersStreamConfig, ORDERS, waitFor, type Nats } from '@mq/shared';
import type { PrivateNatsCluster } from '@mq/shared/services';
import { EMAIL_WORKER } from './email-worker';
import { waitForHealthyStream } from './stream-leader';

export interface SceneSetup {
  cluster: PrivateNatsCluster;
  metaLeader: string;
  /** The ORDERS stream leader: the node the scene kills. */
  leader: string;
  followers: string[];
  consumerLeaderBefore?: string;
  /** On a follower, so it never loses its server; short API timeout for polling. */
  observer: Nats;
  watchJsm: JetStreamManager;
  /** The shop and the email worker, both connected to the leader first, with every URL to fall back on. */
  shop: Nats;
  workerConn: Nats;
  /** Close every connection the setup opened. */
  close(): Promise<void>;
}

export async function setupFailover(cluster: PrivateNatsCluster, opts: { ackWaitMs: number; deadlineMs: number }): Promise<SceneSetup> {
  const { deadlineMs } = opts;
  const conns: Nats[] = [];
  const close = async () => {
    await Promise.allSettled(conns.map((c) => c.close()));
  };
  try {
    const metaLeader = await cluster.waitForMetaLeader(deadlineMs);
    const admin = await connectNats(cluster.urls()[0], { servers: cluster.urls(), name: 'admin' });
    conns.push(admin);
    // Retried: on a busy machine the first create can time out after the cluster has already
    // applied it; a retry then updates in place.
    const config = ordersStreamConfig({ num_replicas: 3, retention: RetentionPolicy.Limits });
    await waitFor(() => ensureStream(admin.jsm, config), { timeoutMs: deadlineMs, intervalMs: 200, what: 'ORDERS (R3) to be created' });
    await waitFor(() => ensureDurable(admin.jsm, ORDERS, EMAIL_WORKER, { ackWaitMs: opts.ackWaitMs }), {
      timeoutMs: deadlineMs,
      intervalMs: 200,
      what: 'the email-worker durable',
    });
    const healthy = await waitForHealthyStream(admin.jsm, ORDERS, 3, deadlineMs);
    const leader = healthy.cluster!.leader!;
    // Right after creation a replicated consumer may not answer within the API timeout yet: "not yet", so retry.
    const consumerInfo = await waitFor(() => admin.jsm.consumers.info(ORDERS, EMAIL_WORKER), {
      timeoutMs: deadlineMs,
      intervalMs: 200,
      what: 'the email-worker durable to answer',
    });
    const consumerLeaderBefore = consumerInfo.cluster?.leader;
    const followers = cluster.nodes.filter((n) => n.name !== leader).map((n) => n.name);

    const pinned = (node: string, name: string) =>
      connectNats(cluster.node(node).url, { servers: cluster.urls(node), noRandomize: true, name });
    const observer = await pinned(followers[0], 'observer');
    conns.push(observer);
    // jetstreamManager() asks the JetStream API once; with a 500 ms timeout that can miss on a busy machine.
    const watchJsm = await waitFor(() => jetstreamManager(observer.nc, { timeout: 500 }), {
      timeoutMs: deadlineMs,
      intervalMs: 200,
      what: 'the JetStream API on the observer',
    });
    const shop = await pinned(leader, 'shop');
    conns.push(shop);
    const workerConn = await pinned(leader, 'email-worker');
    conns.push(workerConn);
    return { cluster, metaLeader, leader, followers, consumerLeaderBefore, observer, watchJsm, shop, workerConn, close };
  } catch (err) {
    await close();
    throw err;
  }
}
