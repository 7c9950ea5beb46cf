// The story's restart drill (seed 001, 2024-06-10 03:00): 1,000 email tasks in ORDERS and a durable
// email-worker that has not consumed any, then the broker goes down, stays down for the outage,
// and comes back on the same store. Returns what `stream info` / `consumer info` said before and after.
import type { Nats } from '@mq/shared';
import type { PrivateServer } from '@mq/shared/services';
import { ensureDurable, ensureStream, ordersStreamConfig, ORDERS } from '@mq/shared';
import { brokerState, EMAIL_WORKER, publishEmailTasks, type BrokerState } from './broker-state';
import type { ConnectionWatch } from './connection-watch';
import { outage, type OutageMode, type OutageTimes } from './outage';

export interface DrillSetup {
  stream: string;
  ids: string[];
  state: BrokerState;
}

/** Create the story's ORDERS stream and the email-worker durable, then publish `count` tasks with PubAcks. */
export async function prepareDrill(nats: Nats, count: number, opts: { stream?: string; ackWaitMs?: number } = {}): Promise<DrillSetup> {
  const stream = opts.stream ?? ORDERS;
  await ensureStream(nats.jsm, ordersStreamConfig({ name: stream }));
  // The consumer exists before the outage: its position must survive it too.
  await ensureDurable(nats.jsm, stream, EMAIL_WORKER, { ackWaitMs: opts.ackWaitMs ?? 30_000 });
  const ids = await publishEmailTasks(nats.js, count);
  return { stream, ids, state: await brokerState(nats.jsm, stream) };
}

export interface DrillResult {
  mode: OutageMode;
  before: BrokerState;
  after: BrokerState;
  outage: OutageTimes;
  /** performance.now() when the client's connection came back. */
  reconnectedAt: number;
}

/** Take the broker down (`stop` or `kill`), wait out the outage, restart it, and look again. */
export interface DrillOptions {
  stream?: string;
  mode: OutageMode;
  outageMs: number;
}

export async function runDrill(server: PrivateServer, nats: Nats, watch: ConnectionWatch, opts: DrillOptions): Promise<DrillResult> {
  const stream = opts.stream ?? ORDERS;
  const before = await brokerState(nats.jsm, stream);
  const times = await outage(server, opts.mode, opts.outageMs);
  const back = await watch.reconnectedAfter(times.downAt);
  const after = await brokerState(nats.jsm, stream);
  return { mode: opts.mode, before, after, outage: times, reconnectedAt: back.at };
}
