// One driver interface for every transport, in the spirit of seed 004's MQ abstraction:
// publish, subscribe as a member of a group with explicit ack, close. Each driver maps it onto
// its backend's own notion of a group and an ack (or admits it has none). Beside each driver sits
// its raw counterpart: the same client calls with the same semantics, written inline, so the
// bench can say what the abstraction costs (the ratio) instead of comparing unlike things.

export type Backend = 'postgres' | 'redis' | 'nats' | 'rabbitmq';

export interface Delivery {
  data: Uint8Array;
  /** Confirm the message is done; a no-op where the transport has no acks. */
  ack(): void | Promise<void>;
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface Driver {
  /** Short id used in tables, JSON and the chart. */
  readonly name: string;
  /** What the backend does for the group/ack pair, for the report. */
  readonly semantics: string;
  readonly backend: Backend;
  setup(): Promise<void>;
  /**
   * Publish one message. A driver whose transport is asynchronous by design (core NATS, a window of
   * PubAcks or confirms) returns nothing until its window is full, so the caller does not await
   * (and flush) once per message.
   */
  publish(data: Uint8Array): void | Promise<void>;
  /** Resolves once every publish so far is durable / acknowledged (async publishers). */
  flush(): Promise<void>;
  /** How many messages the backend holds for consumers right now (0 where it stores nothing). */
  depth(): Promise<number>;
  subscribe(group: string, handler: (d: Delivery) => void | Promise<void>): Promise<Subscription>;
  /** Remove what setup() made and close what the driver opened itself. */
  close(): Promise<void>;
  /** Close what the driver opened itself but keep the data (before a restart). */
  release?(): Promise<void>;
}

/** The same semantics with the raw client: publish `messages` and consume them with `workers` workers. */
export interface RawRun {
  readonly name: string;
  run(opts: { messages: number; size: number; workers: number; timeoutMs: number }): Promise<RawResult>;
}

export interface RawResult {
  ms: number;
  received: number;
  duplicates: number;
}

/** Messages carry their publish time (performance.now(), same process) in the first 8 bytes. */
export function stamp(size: number, seq: number): Uint8Array {
  const buf = new Uint8Array(Math.max(16, size));
  const view = new DataView(buf.buffer);
  view.setFloat64(0, performance.now());
  view.setUint32(8, seq);
  return buf;
}

export function readStamp(data: Uint8Array): { sentAt: number; seq: number } {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { sentAt: view.getFloat64(0), seq: view.getUint32(8) };
}

/** The sequence number alone (what a throughput run's handler needs). */
export function readSeq(data: Uint8Array): number {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(8);
}

/**
 * Counts distinct arrivals and duplicates, and resolves `until(n)` the moment the n-th distinct
 * message arrives: the bench times itself by events, never by polling.
 */
export class Arrivals {
  received = 0;
  duplicates = 0;
  private readonly seen: Uint8Array;
  private target = Infinity;
  private reached?: () => void;

  constructor(total: number) {
    this.seen = new Uint8Array(total);
  }

  /** Record message `seq`; false if it was a duplicate. */
  record(seq: number): boolean {
    if (this.seen[seq]) {
      this.duplicates += 1;
      return false;
    }
    this.seen[seq] = 1;
    this.received += 1;
    if (this.received >= this.target) this.reached?.();
    return true;
  }

  /** Resolves true when `n` distinct messages have arrived, false if `timeoutMs` passes first. */
  until(n: number, timeoutMs: number): Promise<boolean> {
    if (this.received >= n) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.target = Infinity;
        this.reached = undefined;
        resolve(ok);
      };
      this.target = n;
      this.reached = () => finish(true);
    });
  }
}

/** Publish `messages` stamped payloads with `publish`, awaiting only what it returns. */
export async function publishAll(
  publish: (data: Uint8Array) => void | Promise<void>,
  from: number,
  to: number,
  size: number,
): Promise<void> {
  for (let i = from; i < to; i++) {
    const wait = publish(stamp(size, i));
    if (wait) await wait;
  }
}
