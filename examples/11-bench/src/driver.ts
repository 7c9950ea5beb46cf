// One driver interface for every transport, in the spirit of seed 004's MQ abstraction:
// publish, subscribe as a member of a group with explicit ack, close. Each driver maps it onto
// its backend's own notion of a group and an ack (or admits it has none).

export interface Delivery {
  data: Uint8Array;
  /** Confirm the message is done; a no-op where the transport has no acks. */
  ack(): Promise<void>;
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface Driver {
  /** Short id used in tables, JSON and the chart. */
  readonly name: string;
  /** What the backend does for the group/ack pair, for the report. */
  readonly semantics: string;
  /** Which backend's raw ceiling this driver is compared with. */
  readonly backend: 'postgres' | 'redis' | 'nats';
  setup(): Promise<void>;
  publish(data: Uint8Array): Promise<void>;
  /** Resolves once every publish so far is durable / acknowledged (async publishers). */
  flush(): Promise<void>;
  /** How many messages the backend holds for consumers right now (0 where it stores nothing). */
  depth(): Promise<number>;
  subscribe(group: string, handler: (d: Delivery) => Promise<void>): Promise<Subscription>;
  close(): Promise<void>;
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
