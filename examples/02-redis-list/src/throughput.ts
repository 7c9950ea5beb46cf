// How fast can producers LPUSH into one Redis? Measured two ways on whatever server `url` is:
// with ioredis (the client this repo uses: many connections, optionally pipelined) and, where
// the binary exists, with redis-benchmark (a C client, so the number is the server's, not Node's).
// Redis's own CPU use comes from INFO cpu, the AOF's state and size from INFO persistence.
import { spawn } from 'node:child_process';
import { connectRedis } from '@mq/shared';
import { findBinary } from '@mq/shared/services';
import type { Redis } from 'ioredis';
import { summarize, type Summary } from './stats';
import { encodeTask, emailTaskFor } from './task';

export interface ThroughputOptions {
  durationMs: number;
  /** Concurrent connections, each with one command (or one pipeline) in flight. */
  clients: number;
  /** Commands per round trip (1 = no pipelining). */
  pipeline: number;
  /** Unmeasured run first, so JIT and connection warm-up do not count (default: a quarter, at most 300 ms). */
  warmupMs?: number;
  key?: string;
}

export interface ThroughputResult {
  ops: number;
  seconds: number;
  opsPerSec: number;
  /** Round-trip latency of one command (or one pipeline), ms. */
  latency: Summary;
  /** Redis server CPU (user + sys) as a percentage of one core over the run. */
  redisCpuPct: number;
}

/** A story-sized task payload (~200 bytes), encoded once so the client's JSON work is not measured. */
export function samplePayload(): string {
  return encodeTask(emailTaskFor(1));
}

async function cpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const get = (k: string) => Number(info.match(new RegExp(`^${k}:([\\d.]+)`, 'm'))?.[1] ?? 0);
  return get('used_cpu_sys') + get('used_cpu_user');
}

export async function measureLpushThroughput(url: string, opts: ThroughputOptions): Promise<ThroughputResult> {
  const key = opts.key ?? 'bench:lpush';
  const payload = samplePayload();
  const admin = connectRedis(url);
  const conns = Array.from({ length: opts.clients }, () => connectRedis(url));
  try {
    await Promise.all(conns.map((c) => c.ping()));
    const run = async (ms: number) => {
      const latencies: number[] = [];
      let ops = 0;
      const t0 = performance.now();
      const deadline = t0 + ms;
      await Promise.all(
        conns.map(async (c) => {
          while (performance.now() < deadline) {
            const s = performance.now();
            if (opts.pipeline <= 1) {
              await c.lpush(key, payload);
              ops += 1;
            } else {
              const p = c.pipeline();
              for (let i = 0; i < opts.pipeline; i++) p.lpush(key, payload);
              await p.exec();
              ops += opts.pipeline;
            }
            latencies.push(performance.now() - s);
          }
        }),
      );
      return { ops, latencies, seconds: (performance.now() - t0) / 1000 };
    };
    await run(opts.warmupMs ?? Math.min(300, opts.durationMs / 4));
    await admin.del(key);
    const cpu0 = await cpuSeconds(admin);
    const { ops, latencies, seconds } = await run(opts.durationMs);
    const cpu1 = await cpuSeconds(admin);
    await admin.del(key);
    return { ops, seconds, opsPerSec: ops / seconds, latency: summarize(latencies), redisCpuPct: ((cpu1 - cpu0) / seconds) * 100 };
  } finally {
    conns.forEach((c) => c.disconnect());
    admin.disconnect();
  }
}

export interface AofState {
  enabled: boolean;
  /** The appendfsync policy in force (CONFIG GET), meaningful when enabled. */
  fsync: string;
  /** Times Redis had to wait for a slow background fsync. */
  delayedFsync: number;
}

export async function aofState(url: string): Promise<AofState> {
  const r = connectRedis(url);
  try {
    const info = await r.info('persistence');
    const get = (k: string) => Number(info.match(new RegExp(`^${k}:(\\d+)`, 'm'))?.[1] ?? 0);
    const [, fsync] = (await r.config('GET', 'appendfsync')) as [string, string];
    return { enabled: get('aof_enabled') === 1, fsync, delayedFsync: get('aof_delayed_fsync') };
  } finally {
    r.disconnect();
  }
}

export function redisBenchmarkBinary(): string | undefined {
  return process.env.REDIS_BENCHMARK_BIN ?? findBinary('redis-benchmark', ['/usr/bin', '/usr/local/bin']);
}

/** LPUSH requests per second as redis-benchmark measures them (-c clients, -P pipeline, -d bytes). */
export interface BenchmarkShape {
  requests: number;
  clients: number;
  pipeline: number;
  dataBytes: number;
}

export function runRedisBenchmark(binary: string, port: number, o: BenchmarkShape): Promise<number> {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-t', 'lpush', '-n', String(o.requests), '-c', String(o.clients), '-P', String(o.pipeline), '-d', String(o.dataBytes), '--csv'];
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      // --csv: "test","rps","avg_latency_ms",... then "LPUSH","73475.39",...
      const m = out.match(/^"LPUSH","([\d.]+)"/m);
      if (code === 0 && m) resolve(Number(m[1]));
      else reject(new Error(`redis-benchmark failed (exit ${code}): ${out.trim().slice(-300)}`));
    });
  });
}
