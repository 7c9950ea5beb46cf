// The NATS side of the HTTP service: one connection that reconnects forever, a flag that says
// whether it is up right now, and the three operations the API offers. While NATS is away every
// call fails at once with UnavailableError (HTTP 503) instead of waiting for a request timeout.
import { jetstream, jetstreamManager, JetStreamApiError, type ConsumerInfo, type JetStreamClient, type JetStreamManager, type PubAck, type StreamConfig, type StreamInfo } from '@nats-io/jetstream';
import { connectNats, isApiError, ordersStreamConfig, type Nats } from '@mq/shared';
import { adoptOrCreateStream } from './stream';

/** NATS is not reachable (or JetStream did not answer); the API answers 503. */
export class UnavailableError extends Error {
  override name = 'UnavailableError';
}

/** The stream or consumer does not exist; the API answers 404. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

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
    const info = await adoptOrCreateStream(this.jsm, this.stream, this.createWith);
    this.subjects = [...(info.config.subjects ?? [])];
    return info;
  }

  async publish(subject: string, data: unknown, msgID?: string): Promise<PublishResult> {
    const ack: PubAck = await this.call(() =>
      this.js.publish(subject, JSON.stringify(data), {
        ...(msgID ? { msgID } : {}),
        // Defence in depth: the server refuses the message unless it lands in *our* stream.
        expect: { streamName: this.stream },
        timeout: this.timeoutMs,
      }),
    );
    return { stream: ack.stream, sequence: ack.seq, duplicate: ack.duplicate };
  }

  async streamInfo(): Promise<StreamInfo> {
    const info = await this.call(() => this.jsm.streams.info(this.stream));
    this.subjects = [...(info.config.subjects ?? [])];
    return info;
  }

  async consumerInfo(consumer: string): Promise<ConsumerInfo> {
    return this.call(() => this.jsm.consumers.info(this.stream, consumer));
  }

  async close(): Promise<void> {
    await this.nats.close();
  }

  /** Fail fast while disconnected; turn NATS errors into NotFound / Unavailable. */
  private async call<T>(op: () => Promise<T>): Promise<T> {
    if (!this.connected) throw new UnavailableError('NATS is unavailable (the service is reconnecting); try again shortly');
    try {
      return await op();
    } catch (err) {
      if (isApiError(err, 10059)) throw new NotFoundError(`stream ${this.stream} not found`);
      if (isApiError(err, 10014)) throw new NotFoundError(`consumer not found on stream ${this.stream}`);
      if (err instanceof JetStreamApiError) throw err; // a real refusal from JetStream: the API reports it as 502
      // "No responders": nothing in JetStream listens on the subject (the stream was deleted, or JetStream is off).
      if ((err as Error).name === 'JetStreamNotEnabled') throw new UnavailableError(`no JetStream stream answered (is stream ${this.stream} still there, and JetStream enabled?)`);
      // Timeouts and closed connections: NATS is not serving us right now.
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
