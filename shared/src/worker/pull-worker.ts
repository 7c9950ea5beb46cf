// The pull worker every JetStream lesson from 04 on uses (seed 002's semantics). It is lesson 03's
// consumer loop (examples/03-jetstream/src/worker.ts) made reusable: fetch a batch from a durable
// consumer, hand each message to the handler in order, and let the handler's result decide ack
// (confirmed) / nak with a delay / term. A throwing handler is caught and nak'd, fetch errors back off
// exponentially, and stop() drains: the messages in hand are finished before the loop ends.
// progressEveryMs sends working() while a slow handler runs, as 03's loop shows by hand.
// The defaults (fetch, then a confirmed ack per message) are what the lessons teach; a throughput
// mode (refill: 'consume', confirmAcks: false or 'pipelined') keeps pace with the raw client.
import type { Consumer, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { BackgroundLoop } from '../background-loop';
import { versionAtLeast } from '../server-version';
import { consoleHook, type ConsoleHook } from '../console-events';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { InflightWindow } from './inflight-window';
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

type MessageEvent = Exclude<WorkerEvent, { type: 'fetch-error' }>;
type Extra<T extends MessageEvent['type']> = Omit<Extract<MessageEvent, { type: T }>, 'type' | 'seq' | 'subject' | 'deliveryCount'>;

export interface PullWorkerOptions {
  js: JetStreamClient;
  stream: string;
  /** The durable consumer (queue) name; validated. */
  consumer: string;
  handler: Handler;
  /**
   * Messages per fetch, or kept requested ahead with refill 'consume' (default 10). AckWait runs
   * from the moment the server sends a message, so keep batch x handling time below AckWait, or
   * messages still queued here get redelivered.
   */
  batch?: number;
  /** How long one fetch waits for messages, ms (default 1000, the client's minimum). */
  fetchWaitMs?: number;
  /**
   * 'fetch' (default): fetch a batch, handle all of it, fetch again; the server sends nothing while
   * the batch is handled. 'consume': the client refills in the background (consume()), so the
   * next messages are already here when the handler finishes one.
   */
  refill?: 'fetch' | 'consume';
  /** Nak delay for a throwing handler (default: none, immediate redelivery). */
  errorNakDelayMs?: number;
  /**
   * While the handler runs, tell the server every this many ms that the message is still being
   * worked on (working(): its AckWait starts again), so a handler that may take longer than AckWait
   * keeps its message instead of a second worker getting it too. Keep it well below AckWait. It
   * covers the message in hand only: the rest of a fetched batch (or of what refill 'consume' holds)
   * is still on its AckWait clock, so use batch 1 with slow handlers.
   * Default: off. Then a handler slower than AckWait has its message redelivered to another worker
   * while it still runs; and with it on, a handler that hangs holds its message until the worker
   * dies or stop({ timeoutMs }) gives up on it, so give such handlers their own time limit.
   */
  progressEveryMs?: number;
  /**
   * true (default): wait for the server to confirm each ack before the next message. A confirmed
   * ack means the server received and recorded the ack (a work-queue stream then deletes the
   * message); it is not a promise the message can never come back: after a SIGKILL, nats-server
   * 2.9.10 redelivered some messages whose acks it had confirmed (lesson 08 reports it).
   * 'pipelined': ask for confirmations but keep handling; up to `ackWindow` await their answer.
   * false: plain ack, no answer; a lost ack means a redelivery after AckWait.
   */
  confirmAcks?: boolean | 'pipelined';
  /** Confirmed acks in flight with confirmAcks 'pipelined' (default 256). */
  ackWindow?: number;
  backoff?: BackoffOptions;
  /**
   * The connection under `js`. If given, a reconnect cuts short any fetch-error backoff, pending or
   * under way (a consumers.get or fetch sent to the old server is abandoned, not waited out), so a
   * worker resumes as soon as the broker is back instead of sleeping out up to 30 s.
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

const STAT: Record<MessageEvent['type'], Exclude<keyof WorkerStats, 'fetchErrors'>> = {
  ack: 'acked',
  nak: 'naked',
  term: 'termed',
  leave: 'left',
  'ack-error': 'ackErrors',
};

/** Thrown into the loop when the connection reconnected while an attempt was under way. */
class Reconnected extends Error {}

/** A promise that only ever rejects (at the next reconnect); unobserved rejections are fine. */
function rejectable(): { promise: Promise<never>; reject(err: Error): void } {
  let reject!: (err: Error) => void;
  const promise = new Promise<never>((_, r) => (reject = r));
  promise.catch(() => {});
  return { promise, reject };
}

type Resolved = Required<Omit<PullWorkerOptions, 'errorNakDelayMs' | 'progressEveryMs' | 'onEvent' | 'nc'>>;

export class PullWorker extends BackgroundLoop {
  readonly stats: WorkerStats = { acked: 0, naked: 0, termed: 0, left: 0, ackErrors: 0, fetchErrors: 0 };
  private readonly opts: Resolved & Pick<PullWorkerOptions, 'errorNakDelayMs' | 'progressEveryMs' | 'onEvent' | 'nc'>;
  private wake?: () => void;
  private batch?: { stop(err?: Error): void };
  private busy = false;
  /** Reconnects seen so far, and a promise that settles at the next one. */
  private reconnects = 0;
  private nextReconnect = rejectable();
  private statusWatch?: { stop(): void };
  private readonly acks?: InflightWindow;
  private readonly console?: ConsoleHook;
  /** The working() heartbeat of the message in hand (progressEveryMs). */
  private progress?: NodeJS.Timeout;

  constructor(opts: PullWorkerOptions) {
    super();
    validateConsumerName(opts.consumer, 'consumer (queue) name');
    validateConsumerName(opts.stream, 'stream name');
    if (opts.batch !== undefined && (!Number.isInteger(opts.batch) || opts.batch < 1)) {
      throw new RangeError(`batch must be a positive integer, got ${opts.batch}`);
    }
    if (opts.progressEveryMs !== undefined && (!Number.isInteger(opts.progressEveryMs) || opts.progressEveryMs < 1)) {
      throw new RangeError(`progressEveryMs must be a positive integer, got ${opts.progressEveryMs}`);
    }
    this.opts = { batch: 10, fetchWaitMs: 1_000, refill: 'fetch', confirmAcks: true, ackWindow: 256, backoff: DEFAULT_BACKOFF, ...opts };
    if (this.opts.confirmAcks === 'pipelined') this.acks = new InflightWindow(this.opts.ackWindow);
    // While `pnpm console` runs, every outcome is also reported to it (see console-events.ts).
    this.console = consoleHook(opts);
  }

  override start(): this {
    if (this.running) return this;
    super.start();
    if (this.opts.nc) this.watchReconnects(this.opts.nc);
    return this;
  }

  private watchReconnects(nc: NatsConnection): void {
    const statuses = nc.status();
    this.statusWatch = statuses as unknown as { stop(): void };
    void (async () => {
      for await (const s of statuses) {
        if (!this.running) break;
        if (s.type !== 'reconnect') continue;
        this.reconnects += 1;
        const reconnected = this.nextReconnect;
        this.nextReconnect = rejectable();
        reconnected.reject(new Reconnected('the connection reconnected while this attempt was under way'));
        this.wake?.();
        // An idle fetch's pull request died with the old server: ask the new one at once.
        if (!this.busy && this.opts.refill === 'fetch') this.batch?.stop();
      }
    })();
  }

  /**
   * Graceful: stop fetching, finish the message in hand and any already received, wait for
   * pipelined acks, then resolve. An idle fetch is cut short instead of waiting out its expiry.
   * (A message the server sends in the instant after that is not lost: nobody acks it, so it is
   * redelivered after AckWait.)
   */
  override async stop(opts: { timeoutMs?: number } = {}): Promise<void> {
    this.running = false;
    this.statusWatch?.stop();
    this.wake?.();
    if (!this.busy) this.batch?.stop();
    if (opts.timeoutMs === undefined) return super.stop();
    // A hung handler must not hang shutdown: give up on the messages in hand (the server
    // redelivers them after AckWait) once the deadline passes.
    let timer: NodeJS.Timeout | undefined;
    const abandon = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.batch?.stop();
        clearInterval(this.progress); // given up: let AckWait run out so the message goes to another worker
        resolve();
      }, opts.timeoutMs);
    });
    await Promise.race([super.stop(), abandon]);
    clearTimeout(timer);
  }

  protected async run(): Promise<void> {
    let consumer: Consumer | undefined;
    let failures = 0;
    while (this.running) {
      const reconnectsBefore = this.reconnects;
      try {
        consumer ??= await this.unlessReconnected(this.opts.js.consumers.get(this.opts.stream, this.opts.consumer));
        const { batch: max_messages, fetchWaitMs } = this.opts;
        const messages =
          this.opts.refill === 'consume'
            ? await this.unlessReconnected(consumer.consume({ max_messages }))
            : await this.unlessReconnected(consumer.fetch({ max_messages, expires: Math.max(1_000, fetchWaitMs) }));
        this.batch = messages;
        if (!this.running) messages.stop();
        for await (const msg of messages) {
          failures = 0; // a message arrived: the backoff starts afresh at the next error
          this.busy = true;
          try {
            await this.dispatch(msg);
          } finally {
            this.busy = false;
          }
          if (!this.running) messages.stop();
        }
        failures = 0;
      } catch (err) {
        if (!this.running) break;
        consumer = undefined;
        this.stats.fetchErrors += 1;
        // The broker came back while this attempt was under way: try again now, backoff reset.
        const reconnected = err instanceof Reconnected || this.reconnects !== reconnectsBefore;
        failures = reconnected ? 0 : failures + 1;
        const retryInMs = reconnected ? 0 : backoffDelay(failures, this.opts.backoff);
        if (this.listening) this.emit({ type: 'fetch-error', error: (err as Error).message, attempt: failures, retryInMs });
        if (retryInMs > 0) await this.sleep(retryInMs);
      } finally {
        this.batch = undefined;
      }
    }
    await this.acks?.drain().catch(() => {});
  }

  /** `op`, unless the connection reconnects first: then the loop starts over instead of waiting it out. */
  private unlessReconnected<T>(op: Promise<T>): Promise<T> {
    if (!this.opts.nc) return op;
    let abandoned = false;
    // An abandoned fetch is stopped when it lands, so it holds no pull request open.
    op.then((late) => abandoned && (late as { stop?: () => void })?.stop?.(), () => {});
    return Promise.race([op, this.nextReconnect.promise]).catch((err: unknown) => {
      if (err instanceof Reconnected) abandoned = true;
      throw err;
    });
  }

  /** An interruptible pause: stop() and a reconnect cut a backoff short. */
  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).finally(() => (this.wake = undefined));
  }

  private async dispatch(msg: JsMsg): Promise<void> {
    let result: HandlerResult;
    const every = this.opts.progressEveryMs;
    if (every) this.progress = setInterval(() => msg.working(), every).unref();
    try {
      result = await this.opts.handler(msg);
    } catch (err) {
      msg.nak(this.opts.errorNakDelayMs);
      this.record('nak', msg, { delayMs: this.opts.errorNakDelayMs, error: (err as Error).message });
      return;
    } finally {
      clearInterval(this.progress);
    }
    if (result === undefined || result === 'ack') return this.ack(msg);
    if (result === 'leave') {
      this.record('leave', msg, {});
    } else if (result === 'term' || 'term' in result) {
      // term("reason") puts the reason in the server's MSG_TERMINATED advisory from 2.11 on; 2.9
      // ignores a term that carries a reason altogether (the message comes back), so it gets a plain one.
      const reason = typeof result === 'object' ? result.reason : undefined;
      if (reason && this.termTakesReason()) msg.term(reason);
      else msg.term();
      this.record('term', msg, { reason });
    } else if ('nak' in result) {
      msg.nak(result.delayMs);
      this.record('nak', msg, { delayMs: result.delayMs });
    } else {
      return this.ack(msg);
    }
  }

  private async ack(msg: JsMsg): Promise<void> {
    const confirm = this.opts.confirmAcks;
    if (confirm === false) {
      msg.ack();
      this.record('ack', msg, {});
      return;
    }
    const confirmed = msg.ackAck().then(
      () => this.record('ack', msg, {}),
      // The work is done but the server did not confirm the ack (timeout, disconnect): it will
      // redeliver after AckWait, which handlers must tolerate anyway (at-least-once). Carry on.
      (err: Error) => this.record('ack-error', msg, { error: err.message }),
    );
    if (this.acks) await this.acks.add(confirmed);
    else await confirmed;
  }

  /** Does the server keep a term's reason (2.11+)? Asked of the connection's INFO, once it is known. */
  private termTakesReason(): boolean {
    const nc = this.opts.nc ?? (this.opts.js as JetStreamClient & { nc?: NatsConnection }).nc;
    return versionAtLeast(nc?.info?.version, '2.11');
  }

  /** Someone wants events: the lesson's onEvent, or a console that is running right now. */
  private get listening(): boolean {
    return this.opts.onEvent !== undefined || this.console?.listening === true;
  }

  /** Count a message's outcome, and build its event only if someone listens (reading msg.info parses the reply subject). */
  private record<T extends MessageEvent['type']>(type: T, msg: JsMsg, extra: Extra<T>): void {
    this.stats[STAT[type]] += 1;
    if (!this.listening) return;
    this.emit({ type, seq: msg.seq, subject: msg.subject, deliveryCount: msg.info.deliveryCount, ...extra } as WorkerEvent);
  }

  /** The one place events leave the worker. */
  private emit(e: WorkerEvent): void {
    this.console?.report(e);
    this.opts.onEvent?.(e);
  }
}
