// One poll of everything the page shows, taken once per interval however many pages are open.
// Each source fails on its own: a Redis that is down shows as one line on the page, and the
// NATS panels keep updating.
import type { JetStreamManager } from '@nats-io/jetstream';
import type { Redis } from 'ioredis';
import { isDeadLetterStream, readDeadLetters, readStreams, type DeadLetterView, type StreamView } from './sources/nats-source';
import type { PostgresSource, TaskTableView } from './sources/postgres-source';
import { readRedisLists, type RedisListView } from './sources/redis-source';

export type Part<T> = { ok: true; value: T } | { ok: false; error: string };

export interface MonitorView {
  url: string;
  /** From /varz: the server's own counters. */
  connections: number;
  inMsgs: number;
  outMsgs: number;
  mem: number;
  /** From /jsz: JetStream totals. */
  streams: number;
  consumers: number;
  messages: number;
  bytes: number;
}

export interface Snapshot {
  at: number;
  /** How long this poll took, ms. */
  tookMs: number;
  streams: Part<StreamView[]>;
  deadLetters: Part<DeadLetterView[]>;
  monitor?: Part<MonitorView>;
  postgres?: Part<TaskTableView[]>;
  redis?: Part<RedisListView[]>;
}

export interface Sources {
  jsm: JetStreamManager;
  monitorUrl?: string;
  postgres?: PostgresSource;
  redis?: Redis;
}

async function part<T>(fn: () => Promise<T>): Promise<Part<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

export async function takeSnapshot(s: Sources): Promise<Snapshot> {
  const t0 = performance.now();
  const streams = await part(() => readStreams(s.jsm));
  const deadLetters = await part(async () => {
    const dlqs = streams.ok ? streams.value.filter(isDeadLetterStream) : [];
    return (await Promise.all(dlqs.map((d) => readDeadLetters(s.jsm, d)))).flat();
  });
  const [monitor, postgres, redis] = await Promise.all([
    s.monitorUrl ? part(() => readMonitor(s.monitorUrl!)) : undefined,
    s.postgres ? part(() => s.postgres!.read()) : undefined,
    s.redis ? part(() => readRedisLists(s.redis!)) : undefined,
  ]);
  return { at: Date.now(), tookMs: Math.round(performance.now() - t0), streams, deadLetters, monitor, postgres, redis };
}

/** nats-server's HTTP monitoring endpoint (started with -m): the server's view, no client needed. */
export async function readMonitor(url: string): Promise<MonitorView> {
  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(1_000) });
    if (!res.ok) throw new Error(`${url}${path} answered ${res.status}`);
    return (await res.json()) as Record<string, number>;
  };
  const [varz, jsz] = await Promise.all([get('/varz'), get('/jsz')]);
  return {
    url,
    connections: varz.connections,
    inMsgs: varz.in_msgs,
    outMsgs: varz.out_msgs,
    mem: varz.mem,
    streams: jsz.streams,
    consumers: jsz.consumers,
    messages: jsz.messages,
    bytes: jsz.bytes,
  };
}
