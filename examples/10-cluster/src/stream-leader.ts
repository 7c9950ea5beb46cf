// Who leads the ORDERS stream's Raft group, waiting for a new one after the old one died, and
// waiting for a restarted replica to catch up: all read from stream info `cluster`
// (leader + replicas with current / lag), the same thing `nats stream info` prints.
import type { JetStreamManager, PeerInfo, StreamInfo } from '@nats-io/jetstream';
import { waitFor } from '@mq/shared';

export async function streamLeader(jsm: JetStreamManager, stream: string): Promise<string | undefined> {
  return (await jsm.streams.info(stream)).cluster?.leader;
}

/** A leader plus `replicas - 1` followers that are all current. */
export async function waitForHealthyStream(
  jsm: JetStreamManager,
  stream: string,
  replicas: number,
  timeoutMs = 15_000,
): Promise<StreamInfo> {
  return waitFor(
    async () => {
      const si = await jsm.streams.info(stream);
      const peers = si.cluster?.replicas ?? [];
      return si.cluster?.leader && peers.length === replicas - 1 && peers.every(isCaughtUp) ? si : undefined;
    },
    { timeoutMs, intervalMs: 50, what: `stream ${stream} to have a leader and ${replicas - 1} current replicas` },
  );
}

/** Poll until the stream reports a leader other than `old`; returns it with the moment it was seen. */
export async function waitForNewLeader(
  jsm: JetStreamManager,
  stream: string,
  old: string,
  timeoutMs = 30_000,
): Promise<{ leader: string; seenAt: number }> {
  const leader = await waitFor(
    async () => {
      const l = await streamLeader(jsm, stream);
      return l && l !== old ? l : undefined;
    },
    { timeoutMs, intervalMs: 50, what: `a new leader for ${stream} (old: ${old})` },
  );
  return { leader, seenAt: performance.now() };
}

export function isCaughtUp(p: PeerInfo): boolean {
  return p.current && !p.offline && !p.lag;
}

/** Wait until `node` is listed as a replica that is current with lag 0. */
export async function waitForCaughtUp(jsm: JetStreamManager, stream: string, node: string, timeoutMs = 15_000): Promise<PeerInfo> {
  return waitFor(
    async () => {
      const peer = (await jsm.streams.info(stream)).cluster?.replicas?.find((r) => r.name === node);
      return peer && isCaughtUp(peer) ? peer : undefined;
    },
    { timeoutMs, intervalMs: 50, what: `${node} to catch up on ${stream}` },
  );
}
