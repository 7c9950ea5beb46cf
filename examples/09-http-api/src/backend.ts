// The NATS side of the HTTP service: one connection that reconnects forever, a flag that says
// whether it is up right now, and the operations the API offers. While NATS is away every call
// fails at once with UnavailableError (HTTP 503) instead of waiting for a request timeout. Only
// NATS's own failures become UnavailableError: any other error is ours and goes up unchanged
// (HTTP 500), never dressed up as an outage the caller should retry.
import {
  jetstream,
  jetstreamManager,
  JetStreamApiError,
  type ConsumerInfo,
  type JetStreamClient,
  type JetStreamManager,
  type PubAck,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { connectNats, isApiError, ordersStreamConfig, type Nats } from '@mq/shared';
import { adoptOrCreateStream } from './setup';

/** NATS is not reachable (or JetStream did not answer); the API answers 503. */
export class UnavailableError extends Error {
  override name = 'UnavailableError';
}

/** The stream or consumer does not exist; the API answers 404. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** Errors the NATS client raises when the server is away, slow, or nobody listens: an outage, not a bug. */
const NATS_OUTAGE = new Set([
  'TimeoutError',
  'ClosedConnectionError',
  'DrainingConnectionError',
  'ConnectionError',
  'RequestError',
  'NoResponders',
  'JetStreamNotEnabled',
]);

export interface BackendOptions {
  /** The stream this service publishes to and reports on (default ORDERS). */
  stream?: string;
  /** Config used only if the stream does not exist yet (default: the story's ORDERS config). */
  createWith?: Partial<StreamConfig>;
  /** Upper bound for any NATS request, ms (default 2000). */
  requestTimeoutMs?: number;
}

export interface PublishResult {
  stream: string;
  sequence: number;
  duplicate: boolean;
}

export class Backend {
  /** The stream's configured subject filters: the publish allow-list. */
  subjects: string[] = [];
  /** The stream's dedup window (duplicate_window), ms: a repeated message id within it is not stored again. */
  duplicateWindowMs = 0;
  private up = true;
  private readonly js: JetStreamClient;

  private constructor(
    private readonly nats: Nats,
    private readonly jsm: JetStreamManager,
    readonly stream: string,
    private readonly createWith: Partial<StreamConfig>,
    private readonly timeoutMs: number,
  ) {
    this.js = jetstream(nats.nc, { timeout: timeoutMs });
    this.watch().catch(() => {}); // ends when the connection closes
  }

  static async open(url: string, opts: BackendOptions = {}): Promise<Backend> {
    const stream = opts.stream ?? 'ORDERS';
    const timeoutMs = opts.requestTimeoutMs ?? 2_000;
    const nats = await connectNats(url, { name: 'http-api', timeout: timeoutMs });
    try {
      const jsm = await jetstreamManager(nats.nc, { timeout: timeoutMs });
      const backend = new Backend(nats, jsm, stream, opts.createWith ?? ordersStreamConfig({ name: stream }), timeoutMs);
      await backend.ensureStream();
      return backend;
    } catch (err) {
      await nats.close();
      throw err;
    }
  }

  /** Is the NATS connection up right now? */
  get connected(): boolean {
    return this.up && !this.nats.nc.isClosed();
  }

  /** Messages this service has sent to NATS (publishes and API requests); tests use it to prove a rejected request sent nothing. */
  get messagesSent(): number {
    return this.nats.nc.stats().outMsgs;
  }

  /** Create the stream if it is missing; an existing stream is used as it is (its subjects become the allow-list). */
  async ensureStream(): Promise<StreamInfo> {
    return this.remember(await adoptOrCreateStream(this.jsm, this.stream, this.createWith));
  }

  async publish(subject: string, data: unknown, msgID?: string): Promise<PublishResult> {
    const payload = JSON.stringify(data); // outside call(): if this throws, it is our bug, not a NATS outage
    const ack: PubAck = await this.call(() =>
      this.js.publish(subject, payload, {
        ...(msgID ? { msgID } : {}),
        // Defence in depth: the server refuses the message unless it lands in *our* stream.
        expect: { streamName: this.stream },
        timeout: this.timeoutMs,
      }),
    );
    return { stream: ack.stream, sequence: ack.seq, duplicate: ack.duplicate };
  }

  /** Does the served stream exist right now? (It may have been removed while the service ran, e.g. by `pnpm reset`.) */
  async streamExists(): Promise<boolean> {
    try {
      await this.streamInfo();
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
  }

  async streamInfo(): Promise<StreamInfo> {
    return this.remember(await this.call(() => this.jsm.streams.info(this.stream)));
  }

  async consumerInfo(consumer: string): Promise<ConsumerInfo> {
    return this.call(() => this.jsm.consumers.info(this.stream, consumer));
  }

  async close(): Promise<void> {
    await this.nats.close();
  }

  /** The stream's config decides what may be published and how long a message id is remembered. */
  private remember(info: StreamInfo): StreamInfo {
    this.subjects = [...(info.config.subjects ?? [])];
    this.duplicateWindowMs = (info.config.duplicate_window ?? 0) / 1e6;
    return info;
  }

  /** Fail fast while disconnected; turn NATS errors into NotFound / Unavailable, and let every other error through. */
  private async call<T>(op: () => Promise<T>): Promise<T> {
    if (!this.connected) throw new UnavailableError('NATS is unavailable (the service is reconnecting); try again shortly');
    try {
      return await op();
    } catch (err) {
      if (isApiError(err, 10059)) throw new NotFoundError(`stream ${this.stream} not found`);
      if (isApiError(err, 10014)) throw new NotFoundError(`consumer not found on stream ${this.stream}`);
      if (err instanceof JetStreamApiError) throw err; // a real refusal from JetStream: the API reports it as 502
      const name = err instanceof Error ? err.name : '';
      if (!NATS_OUTAGE.has(name)) throw err; // not NATS: a bug of ours, reported as 500
      if (name === 'NoResponders' || name === 'JetStreamNotEnabled') {
        // Nothing in JetStream listens on the subject: the stream was removed, or JetStream is off.
        throw new UnavailableError(`stream ${this.stream} did not answer: it was removed while the service ran, or JetStream is off (GET /healthz says which)`);
      }
      throw new UnavailableError(`NATS did not answer (${(err as Error).message}); try again shortly`);
    }
  }

  /** Track the connection: disconnect -> fail fast; reconnect -> make sure the stream still exists. */
  private async watch(): Promise<void> {
    for await (const s of this.nats.nc.status()) {
      if (s.type === 'disconnect' || s.type === 'staleConnection') this.up = false;
      if (s.type === 'reconnect') {
        this.up = true;
        this.ensureStream().catch(() => {}); // a fresh server may have lost the stream; recreate it
      }
    }
  }
}
