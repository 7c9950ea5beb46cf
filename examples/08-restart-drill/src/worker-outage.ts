// The email worker keeps running while the broker goes away. Nobody restarts it: its connection
// reconnects by itself (maxReconnectAttempts -1), the shared PullWorker backs off on fetch errors
// and fetches again, and the ledger makes the one order whose ack died with the broker harmless.
import { jetstream, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { parseTask, PullWorker, waitFor, withTimeout, type EmailTask, type HandlerResult, type TimelineEvent } from '@mq/shared';
import { type PrivateServer } from '@mq/shared/services';
import { brokerState, EMAIL_WORKER, type BrokerState } from './broker-state';
import { ConnectionWatch } from './connection-watch';
import { EmailLedger } from './email-ledger';
import { bringBackAfter, takeDown, type OutageMode } from './outage';

export interface WorkerOutageOptions {
  server: PrivateServer;
  /** The worker's own connection (it must be one that reconnects). */
  workerNc: NatsConnection;
  /** A manager on another connection, to read the consumer's state. */
  jsm: JetStreamManager;
  stream: string;
  /** The order ids in the stream, in stream order. */
  ids: string[];
  /** The broker goes down while the worker handles this order (after its email went out, before its ack). */
  outageDuring: string;
  mode: OutageMode;
  outageMs: number;
  /**
   * Timeout of the worker's JetStream API calls. A request sent while the connection is down is
   * dropped, not queued, and only fails at its timeout; a short one lets the worker retry soon
   * after the reconnect instead of sitting out the default 5 s (default here: 500 ms).
   */
  apiTimeoutMs?: number;
  /**
   * Messages per fetch (default 1). With 1 the worker holds exactly one message when the broker
   * goes down, so only that order's ack dies with it. With a larger batch, the messages fetched
   * behind it are still handled during the outage and their acks are lost too, so how many
   * orders come back depends on where the outage order sits in its batch.
   */
  batch?: number;
  /** Give up waiting for the drain after this long (ms). */
  deadlineMs?: number;
}

export interface WorkerOutageReport {
  mode: OutageMode;
  ledger: EmailLedger;
  /** Emails sent before the broker went down. */
  sentBeforeOutage: number;
  /** Errors the worker rode through without being restarted: acks the server never confirmed, failed fetches. */
  workerErrors: number;
  /** Stream sequences whose ack was sent but not confirmed. */
  ackErrorSeqs: number[];
  /** From "server ready again" to the worker's connection being back, ms (0 if it was back first). */
  reconnectMs: number;
  /** From "server ready again" to every order's email having gone out, ms. */
  drainMs: number;
  /** From "server ready again" to the consumer reporting nothing pending and nothing unacknowledged, ms. */
  settleMs: number;
  /** Broker state once the consumer settled. */
  after: BrokerState;
  /** Scene timeline, ms since the worker started. */
  timeline: TimelineEvent[];
}

export async function workerThroughOutage(opts: WorkerOutageOptions): Promise<WorkerOutageReport> {
  const deadlineMs = opts.deadlineMs ?? 20_000;
  const ledger = new EmailLedger();
  const watch = new ConnectionWatch(opts.workerNc);
  const raw: { at: number; who: string; what: string }[] = [];
  const note = (who: string, what: string, at = performance.now()) => raw.push({ at, who, what });
  let down: { downRequestedAt: number; downAt: number; sentSoFar: number } | undefined;
  let readyAt = Number.POSITIVE_INFINITY;
  let firstAfterRestart = false;
  let repeats = 0;
  const ackErrorSeqs: number[] = [];

  // #region look-worker-resumes
  const worker = new PullWorker({
    js: jetstream(opts.workerNc, { timeout: opts.apiTimeoutMs ?? 500 }),
    nc: opts.workerNc, // a reconnect cuts the fetch-error backoff short
    stream: opts.stream,
    consumer: EMAIL_WORKER,
    batch: opts.batch ?? 1,
    backoff: { initialMs: 100, maxMs: 500 },
    onEvent: (e) => {
      if (e.type === 'ack-error') {
        ackErrorSeqs.push(e.seq);
        note('worker', `ack of seq ${e.seq} not confirmed (${e.error.slice(0, 40)}): the work is done, the server will redeliver it`);
      }
      // The first fetch error of a streak is the interesting one; the rest are the same retry, counted in the report.
      if (e.type === 'fetch-error' && e.attempt === 1) note('worker', `fetch error: ${e.error.slice(0, 60)} (backs off and retries, ${e.retryInMs} ms first)`);
    },
    handler: async (msg): Promise<HandlerResult> => {
      const task = parseTask<EmailTask>(msg.data, ['orderId', 'email']);
      const fresh = ledger.deliver(task.orderId);
      if (performance.now() > readyAt && !firstAfterRestart) {
        firstAfterRestart = true;
        note('worker', `first delivery after the restart: ${task.orderId}`);
      }
      if (!fresh) {
        repeats += 1;
        if (repeats === 1) note('worker', `${task.orderId} delivered again (delivery ${msg.info.deliveryCount}); email already sent: skipped, acked`);
        return 'ack';
      }
      if (task.orderId === opts.outageDuring) {
        // The email for this order has gone out; now, before the ack, the broker goes away.
        note('worker', `email for ${task.orderId} sent; acking it...`);
        const t = await takeDown(opts.server, opts.mode);
        down = { ...t, sentSoFar: ledger.distinct };
        note('broker', `${opts.mode === 'stop' ? 'stopped (graceful)' : 'SIGKILLed'} while the worker held ${task.orderId}`, t.downRequestedAt);
        note('broker', `down (${ledger.distinct} emails sent so far)`, t.downAt);
      }
      return 'ack';
    },
  });
  // #endregion look-worker-resumes


  const startedAt = performance.now();
  worker.start();
  try {
    const outageStart = await waitFor(() => down, { timeoutMs: deadlineMs, what: `the worker to reach ${opts.outageDuring}` });
    const back = await bringBackAfter(opts.server, opts.outageMs);
    readyAt = back.readyAt;
    note('broker', 'restarted on the same store, ready', back.readyAt);
    const reconnect = await watch.reconnectedAfter(outageStart.downAt, deadlineMs);
    await waitFor(() => ledger.distinct === opts.ids.length, { timeoutMs: deadlineMs, what: `all ${opts.ids.length} emails` });
    const drainedAt = performance.now();
    note('worker', `all ${opts.ids.length} emails sent (backlog drained)`, drainedAt);
    const after = await waitFor(
      async () => {
        // Short per-poll limit: a request sent while this connection is still reconnecting is dropped,
        // and would otherwise wait its full timeout.
        const s = await withTimeout(brokerState(opts.jsm, opts.stream), 500, 'consumer info');
        return s.pending === 0 && s.ackPending === 0 ? s : undefined;
      },
      { timeoutMs: deadlineMs, intervalMs: 50, what: 'the consumer to have nothing pending or unacknowledged' },
    );
    const settledAt = performance.now();
    note('consumer', `nothing pending, nothing awaiting an ack (repeat deliveries skipped: ${repeats})`, settledAt);
    for (const e of watch.events) note('client', e.type === 'disconnect' ? 'connection lost' : 'reconnected by itself', e.at);

    return {
      mode: opts.mode,
      ledger,
      sentBeforeOutage: outageStart.sentSoFar,
      workerErrors: worker.stats.fetchErrors + worker.stats.ackErrors,
      ackErrorSeqs,
      reconnectMs: Math.max(0, Math.round(reconnect.at - back.readyAt)),
      drainMs: Math.round(drainedAt - back.readyAt),
      settleMs: Math.round(settledAt - back.readyAt),
      after,
      timeline: raw.map((e) => ({ atMs: e.at - startedAt, who: e.who, what: e.what })),
    };
  } finally {
    await worker.stop();
  }
}
