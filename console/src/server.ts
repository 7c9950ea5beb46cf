// The console's web server: the page (plain HTML/JS from public/, no build step), one
// server-sent-event stream that carries snapshots and the lessons' worker events, and the two
// actions. It listens on 127.0.0.1 unless told otherwise, and it only reads, unless started with
// allowActions: then POST /api/redrive and /api/reset work (JSON bodies only, so another web
// page cannot post to it without a CORS preflight, which this server never grants).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Fastify, { type FastifyInstance } from 'fastify';
import { connectNats, connectRedis, type Nats } from '@mq/shared';
import type { Redis } from 'ioredis';
import { ActionError, redriveOne, resetScopes } from './actions';
import { EventHub } from './event-hub';
import { takeSnapshot, type Snapshot } from './snapshot';
import { PostgresSource } from './sources/postgres-source';

export interface ConsoleOptions {
  natsUrl: string;
  redisUrl?: string;
  databaseUrl?: string;
  /** nats-server's monitoring endpoint (http://127.0.0.1:8222). */
  monitorUrl?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  allowActions?: boolean;
  intervalMs?: number;
}

export interface RunningConsole {
  url: string;
  app: FastifyInstance;
  hub: EventHub;
  nats: Nats;
  latest(): Snapshot | undefined;
  /** The event loop's delay, ms (p50, p99, max) since start or the last reset. */
  loopDelay(reset?: boolean): { p50: number; p99: number; max: number };
  close(): Promise<void>;
}

const PUBLIC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'public');
const ASSETS: Record<string, string> = { '/': 'index.html', '/app.js': 'app.js', '/style.css': 'style.css' };
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css' };

export async function startConsole(o: ConsoleOptions): Promise<RunningConsole> {
  const nats = await connectNats(o.natsUrl, { name: 'mq-console' });
  const redis: Redis | undefined = o.redisUrl ? connectRedis(o.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 1_000 }) : undefined;
  const postgres = o.databaseUrl ? new PostgresSource(o.databaseUrl) : undefined;
  const hub = new EventHub(nats.nc).start();
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();

  let latest: Snapshot | undefined;
  const clients = new Set<(event: string, data: unknown) => void>();
  const send = (event: string, data: unknown) => clients.forEach((c) => c(event, data));
  let polling = true;
  const poll = async () => {
    while (polling) {
      const started = Date.now();
      latest = await takeSnapshot({ jsm: nats.jsm, monitorUrl: o.monitorUrl, postgres, redis });
      send('snapshot', latest);
      await new Promise((r) => setTimeout(r, Math.max(50, (o.intervalMs ?? 500) - (Date.now() - started))));
    }
  };
  const polled = poll();
  hub.onBatch((batch) => send('events', batch));

  const app = Fastify({ logger: false, forceCloseConnections: true });
  for (const [route, file] of Object.entries(ASSETS)) {
    app.get(route, async (_req, reply) => {
      reply.type(TYPES[path.extname(file)]).header('cache-control', 'no-store');
      return fs.promises.readFile(path.join(PUBLIC, file), 'utf8');
    });
  }

  app.get('/events', (req, reply) => {
    reply.hijack(); // this route writes the raw response itself, for as long as the page stays open
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    const write = (event: string, data: unknown) => reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    write('hello', { allowActions: !!o.allowActions, natsUrl: o.natsUrl, recent: hub.recent.slice(-500) });
    if (latest) write('snapshot', latest);
    clients.add(write);
    req.raw.on('close', () => clients.delete(write));
  });

  app.get('/api/snapshot', async () => latest ?? (await takeSnapshot({ jsm: nats.jsm, monitorUrl: o.monitorUrl, postgres, redis })));
  app.get('/api/health', async () => ({ clients: clients.size, eventsReceived: hub.received, loopDelayMs: delays(false) }));

  const refuse = (reply: { code(n: number): unknown }) => {
    reply.code(403);
    return { error: 'read-only console: start it with --allow-actions to redrive or reset' };
  };
  app.post<{ Body: { stream?: unknown; seq?: unknown } }>('/api/redrive', async (req, reply) => {
    if (!o.allowActions) return refuse(reply);
    const { stream, seq } = req.body ?? {};
    if (typeof stream !== 'string' || !/^[A-Za-z0-9_-]+$/.test(stream) || !Number.isInteger(seq) || (seq as number) < 1) {
      reply.code(400);
      return { error: 'body must be {"stream": "<DLQ stream name>", "seq": <positive integer>}' };
    }
    try {
      return await redriveOne(nats, stream, seq as number);
    } catch (err) {
      if (err instanceof ActionError) {
        reply.code(err.status);
        return { error: err.message };
      }
      throw err;
    }
  });
  app.post<{ Body: { confirm?: unknown } }>('/api/reset', async (req, reply) => {
    if (!o.allowActions) return refuse(reply);
    if (req.body?.confirm !== true) {
      reply.code(400);
      return { error: 'body must be {"confirm": true}: reset deletes every lesson stream and Redis key' };
    }
    return resetScopes(nats.jsm, redis);
  });

  const delays = (reset: boolean) => {
    const v = { p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
    if (reset) loop.reset();
    return v;
  };

  const address = await app.listen({ host: o.host ?? '127.0.0.1', port: o.port ?? 4300 });
  return {
    url: address.replace('[::1]', 'localhost'),
    app,
    hub,
    nats,
    latest: () => latest,
    loopDelay: delays,
    async close() {
      polling = false;
      hub.stop();
      loop.disable();
      await app.close();
      await polled.catch(() => {});
      redis?.disconnect();
      await postgres?.close();
      await nats.close();
    },
  };
}
