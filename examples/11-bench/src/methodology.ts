// The methodology card behind every number the bench prints: what was sent, where it was stored,
// how publishes were batched or windowed, how consumers acked, and where client and server ran.
import os from 'node:os';

export interface Card {
  payload: string;
  storage: string;
  batchOrWindow: string;
  ack: string;
}

export interface CardOptions {
  size: number;
  workers: number;
  jetstreamWindow: number;
  rabbitWindow: number;
  rabbitPrefetch: number;
  pollIntervalMs: number;
}

export function driverCards(o: CardOptions): Record<string, Card> {
  const payload = `${o.size} B, ${o.workers} workers in one group`;
  return {
    'pg-poll': {
      payload,
      storage: 'PostgreSQL table, committed per INSERT (fsync on commit)',
      batchOrWindow: `publish: one INSERT awaited each; claim: up to 50 rows, poll every ${o.pollIntervalMs} ms when empty`,
      ack: 'DELETE … SKIP LOCKED committed after the handler',
    },
    'pg-notify': {
      payload,
      storage: 'PostgreSQL table, committed per INSERT (fsync on commit)',
      batchOrWindow: 'publish: one INSERT + NOTIFY awaited each; claim: up to 50 rows on each NOTIFY',
      ack: 'DELETE … SKIP LOCKED committed after the handler',
    },
    'redis-list': { payload, storage: 'memory only (no AOF, no RDB)', batchOrWindow: 'LPUSH awaited each; BRPOP one at a time', ack: 'none: BRPOP removes' },
    'redis-streams': {
      payload,
      storage: 'memory only (no AOF, no RDB)',
      batchOrWindow: 'XADD awaited each; XREADGROUP COUNT 100',
      ack: 'XACK awaited each',
    },
    'nats-core': { payload, storage: 'none', batchOrWindow: 'publish not awaited (the client batches writes)', ack: 'none (at-most-once)' },
    'jetstream-sync': {
      payload,
      storage: 'file-backed work-queue stream',
      batchOrWindow: 'each PubAck awaited; consume() 256 ahead',
      ack: 'plain ack (not confirmed)',
    },
    'jetstream-async': {
      payload,
      storage: 'file-backed work-queue stream',
      batchOrWindow: `${o.jetstreamWindow} PubAcks in flight; consume() 256 ahead`,
      ack: 'plain ack (not confirmed)',
    },
    rabbitmq: {
      payload,
      storage: 'durable queue, persistent messages',
      batchOrWindow: `${o.rabbitWindow} publisher confirms in flight; prefetch ${o.rabbitPrefetch}`,
      ack: 'manual basic.ack',
    },
  };
}

/** Where the numbers come from: one host for clients and servers, shared with whatever else runs. */
export function hostLine(): string {
  const load = os.loadavg()[0].toFixed(2);
  return `client and servers on one host: ${os.cpus().length} cores, Node ${process.version}, load average ${load} at start`;
}
