// The pull worker every JetStream lesson uses (seed 002's semantics): fetch a batch from a
// durable consumer, hand each message to the handler in order, and let the handler's result
// decide ack / nak / term. A throwing handler is caught and nak'd, fetch errors back off
// exponentially, and stop() drains: the batch in hand is finished before the loop ends.
import type { Consumer, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { withConsoleReports } from '../console-events';
import { delay } from '../wait';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { validateConsumerName } from './names';

/**
 * What the handler wants done with a message. Returning nothing means ack.
 * 'leave' does neither ack nor nak: the server redelivers after AckWait (a worker that died mid-task).
 */
export type HandlerResult = void | 'ack' | 'term' | 'leave' | { nak: true; delayMs?: number } | { term: true; reason: string };

export type Handler = (msg: JsMsg) => HandlerResult | Promise<HandlerResult>;

export type WorkerEvent =
  | { type: 'ack'; seq: number; subject: string; deliveryCount: number }
  | { type: 'nak'; seq: number; subject: string; deliveryCount: number; delayMs?: number; error?: string }
  | { type: 'term'; seq: number; subject: string; deliveryCount: number; reason?: string }
  | { type: 'leave'; seq: number; subject: string; deliveryCount: number }
  | { type: 'ack-error'; seq: number; subject: string; deliveryCount: number; error: string }
  | { type: 'fetch-error'; error: string; attempt: number; retryInMs: number };

export interface PullWorkerOptions {
  js: JetStreamClient;
  stream: string;
  /** The durable consumer (queue) name; validated. */
  consumer: string;
  handler: Handler;
  /**
   * Messages per fetch (default 10). AckWait runs from the moment the server sends a message, so
   * keep batch x handling time below AckWait, or messages still queued here get redelivered.
   */
  batch?: number;
  /** How long one fetch waits for messages, ms (default 1000, the client's minimum). */
  fetchWaitMs?: number;
  /** Nak delay for a throwing handler (default: none, immediate redelivery). */
  errorNakDelayMs?: number;
  /** Wait for the server to confirm each ack (default true): "acked" then really means removed. */
  confirmAcks?: boolean;
  backoff?: BackoffOptions;
  /**
   * The connection under `js`. If given, a reconnect cuts a fetch-error backoff short and resets
   * it, so a worker resumes as soon as the broker is back instead of sleeping out up to 30 s.
   */
  nc?: NatsConnection;
  onEvent?: (e: WorkerEvent) => void;
}

export interface WorkerStats {
  acked: number;
  naked: number;
  termed: number;
  left: number;
  ackErrors: number;
  fetchErrors: number;
}

export class PullWorker {
  readonly stats: WorkerStats = { acked: 0, naked: 0, termed: 0, left: 0, ackErrors: 0, fetchErrors: 0 };
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private batch?: { stop(err?: Error): void };
  private busy = false;
  private reconnected = false;
  private readonly opts: Required<Omit<PullWorkerOptions, 'errorNakDelayMs' | 'onEvent' | 'nc'>> & Pick<PullWorkerOptions, 'errorNakDelayMs' | 'onEvent' | 'nc'>;

  constructor(opts: PullWorkerOptions) {
    validateConsumerName(opts.consumer, 'consumer (queue) name');
    validateConsumerName(opts.stream, 'stream name');
    if (opts.batch !== undefined && (!Number.isInteger(opts.batch) || opts.batch < 1)) throw new RangeError(`batch must be a positive integer, got ${opts.batch}`);
    // While `pnpm console` runs, every outcome is also reported to it (see console-events.ts).
    this.opts = { batch: 10, fetchWaitMs: 1_000, confirmAcks: true, backoff: DEFAULT_BACKOFF, ...opts, onEvent: withConsoleReports(opts) };
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): this {
    if (this.running) return this;
    this.running = true;
    this.loop = this.run();
    if (this.opts.nc) void this.watchReconnects(this.opts.nc);
    return this;
  }

  private async watchReconnects(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (!this.running) break;
      if (s.type === 'reconnect') {
        this.reconnected = true;
        this.wake?.();
      }
    }
  }

  /**
   * Graceful: stop fetching, finish the message in hand and any already received, then resolve.
   * An idle fetch is cut short instead of waiting out its expiry. (A message the server sends in
   * the instant after that is not lost: nobody acks it, so it is redelivered after AckWait.)
   */
  async stop(opts: { timeoutMs?: number } = {}): Promise<void> {
    this.running = false;
    this.wake?.();
    if (!this.busy) this.batch?.stop();
    if (opts.timeoutMs === undefined) return this.loop;
    // A hung handler must not hang shutdown: give up on the messages in hand (the server
    // redelivers them after AckWait) once the deadline passes.
    const abandon = delay(opts.timeoutMs).then(() => this.batch?.stop());
    await Promise.race([this.loop, abandon]);
  }

  private async run(): Promise<void> {
    let consumer: Consumer | undefined;
    let failures = 0;
    while (this.running) {
      try {
        consumer ??= await this.opts.js.consumers.get(this.opts.stream, this.opts.consumer);
        const batch = await consumer.fetch({ max_messages: this.opts.batch, expires: Math.max(1_000, this.opts.fetchWaitMs) });
        this.batch = batch;
        if (!this.running) batch.stop();
        for await (const msg of batch) {
          this.busy = true;
          try {
            await this.dispatch(msg);
          } finally {
            this.busy = false;
          }
          if (!this.running) batch.stop();
        }
        this.batch = undefined;
        failures = 0;
      } catch (err) {
        this.batch = undefined;
        if (!this.running) break;
        if (this.reconnected) failures = 0; // the broker is back: start the backoff afresh
        this.reconnected = false;
        failures += 1;
        consumer = undefined;
        this.stats.fetchErrors += 1;
        const retryInMs = backoffDelay(failures, this.opts.backoff);
        this.opts.onEvent?.({ type: 'fetch-error', error: (err as Error).message, attempt: failures, retryInMs });
        await this.sleep(retryInMs);
      }
    }
  }

  /** An interruptible pause: stop() cuts a backoff short. */
  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return Promise.race([delay(ms), new Promise<void>((r) => (this.wake = r))]);
  }

  private async dispatch(msg: JsMsg): Promise<void> {
    const base = { seq: msg.seq, subject: msg.subject, deliveryCount: msg.info.deliveryCount };
    let result: HandlerResult;
    try {
      result = await this.opts.handler(msg);
    } catch (err) {
      msg.nak(this.opts.errorNakDelayMs);
      this.stats.naked += 1;
      this.opts.onEvent?.({ type: 'nak', ...base, delayMs: this.opts.errorNakDelayMs, error: (err as Error).message });
      return;
    }
    if (result === 'leave') {
      this.stats.left += 1;
      this.opts.onEvent?.({ type: 'leave', ...base });
    } else if (result === 'term' || (typeof result === 'object' && result && 'term' in result)) {
      // Plain term(): nats-server 2.9 silently ignores term("reason"), so the reason stays client-side.
      msg.term();
      this.stats.termed += 1;
      this.opts.onEvent?.({ type: 'term', ...base, reason: typeof result === 'object' ? result.reason : undefined });
    } else if (typeof result === 'object' && result && 'nak' in result) {
      msg.nak(result.delayMs);
      this.stats.naked += 1;
      this.opts.onEvent?.({ type: 'nak', ...base, delayMs: result.delayMs });
    } else {
      try {
        if (this.opts.confirmAcks) await msg.ackAck();
        else msg.ack();
      } catch (err) {
        // The work is done but the server did not confirm the ack (timeout, disconnect): it will
        // redeliver after AckWait, which handlers must tolerate anyway (at-least-once). Carry on.
        this.stats.ackErrors += 1;
        this.opts.onEvent?.({ type: 'ack-error', ...base, error: (err as Error).message });
        return;
      }
      this.stats.acked += 1;
      this.opts.onEvent?.({ type: 'ack', ...base });
    }
  }
}
