// The experiment behind the story's "AOF: 100K -> 20K ops/s": the same LPUSH load against three
// private redis-servers that differ only in persistence (none, AOF everysec, AOF always).
// The machine is shared (other tests run beside it), so after a warm-up round the configurations
// take turns in several short rounds and each result is the median round: a burst of someone
// else's load then hurts one round of every configuration instead of all of one.
// Used by the bench script (full size) and by main.ts and a smoke test (tiny size).
import { PrivateRedisServer, type PrivateRedisOptions } from '@mq/shared/services';
import { aofState, measureLpushThroughput, redisBenchmarkBinary, runRedisBenchmark, samplePayload, type AofState, type ThroughputResult } from './throughput';

export interface PersistenceConfig {
  label: string;
  opts: PrivateRedisOptions;
}

export const PERSISTENCE_CONFIGS: PersistenceConfig[] = [
  { label: 'no persistence', opts: {} },
  { label: 'AOF everysec', opts: { appendonly: true, appendfsync: 'everysec' } },
  { label: 'AOF always', opts: { appendonly: true, appendfsync: 'always' } },
];

export interface AofBenchOptions {
  /** Length of each ioredis measurement. */
  durationMs: number;
  /** Rounds; each configuration is measured once per round, the median is kept. */
  rounds: number;
  clients: number;
  /** Pipeline depths (1 = one command per round trip). */
  pipelines: number[];
  /** Also run redis-benchmark (if installed) with this many requests per run; 0 = skip. */
  redisBenchmarkRequests: number;
  configs?: PersistenceConfig[];
  onProgress?: (line: string) => void;
}

export interface AofBenchRow {
  config: string;
  pipeline: number;
  client: 'ioredis' | 'redis-benchmark';
  /** Median over the rounds. */
  opsPerSec: number;
  /** Every round's ops/s, in order. */
  rounds: number[];
  p50Ms?: number;
  p99Ms?: number;
  redisCpuPct?: number;
  /** What the server reported (proof the configuration took effect). */
  aof: AofState;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export async function runAofBench(o: AofBenchOptions): Promise<AofBenchRow[]> {
  const configs = o.configs ?? PERSISTENCE_CONFIGS;
  const rb = o.redisBenchmarkRequests > 0 ? redisBenchmarkBinary() : undefined;
  const servers = await Promise.all(configs.map((c) => PrivateRedisServer.start(c.opts)));
  try {
    const cells: { config: string; pipeline: number; client: AofBenchRow['client']; runs: { ops: number; r?: ThroughputResult }[]; server: PrivateRedisServer }[] = [];
    for (const [i, cfg] of configs.entries()) {
      for (const pipeline of o.pipelines) {
        cells.push({ config: cfg.label, pipeline, client: 'ioredis', runs: [], server: servers[i] });
        if (rb) cells.push({ config: cfg.label, pipeline, client: 'redis-benchmark', runs: [], server: servers[i] });
      }
    }
    // Round 0 is a warm-up (JIT, connection setup, the servers' first allocations) and is not kept:
    // without it the first configuration measured is reliably the slowest.
    for (let round = 0; round <= o.rounds; round++) {
      o.onProgress?.(round === 0 ? 'warm-up round (not counted)' : `round ${round}/${o.rounds}`);
      for (const cell of cells) {
        if (round === 0) {
          if (cell.client === 'ioredis') await measureLpushThroughput(cell.server.url, { durationMs: Math.min(o.durationMs, 150), clients: o.clients, pipeline: cell.pipeline });
          continue;
        }
        if (cell.client === 'ioredis') {
          const shape = { durationMs: o.durationMs, clients: o.clients, pipeline: cell.pipeline };
          const r = await measureLpushThroughput(cell.server.url, shape);
          cell.runs.push({ ops: r.opsPerSec, r });
        } else {
          const requests = o.redisBenchmarkRequests * Math.min(cell.pipeline, 4);
          const shape = { requests, clients: o.clients, pipeline: cell.pipeline, dataBytes: samplePayload().length };
          const ops = await runRedisBenchmark(rb!, cell.server.port, shape);
          cell.runs.push({ ops });
        }
      }
    }
    const rows: AofBenchRow[] = [];
    for (const cell of cells) {
      const ops = cell.runs.map((x) => x.ops);
      const med = median(ops);
      const mid = cell.runs.reduce((best, x) => (Math.abs(x.ops - med) < Math.abs(best.ops - med) ? x : best));
      rows.push({
        config: cell.config,
        pipeline: cell.pipeline,
        client: cell.client,
        opsPerSec: med,
        rounds: ops,
        ...(mid.r ? { p50Ms: mid.r.latency.p50, p99Ms: mid.r.latency.p99, redisCpuPct: mid.r.redisCpuPct } : {}),
        aof: await aofState(cell.server.url),
      });
    }
    return rows;
  } finally {
    await Promise.all(servers.map((s) => s.dispose()));
  }
}

/** Throughput of `row` relative to "no persistence" for the same client and pipeline. */
export function relativeToNone(rows: AofBenchRow[], row: AofBenchRow): number {
  const base = rows.find((r) => r.config === PERSISTENCE_CONFIGS[0].label && r.client === row.client && r.pipeline === row.pipeline);
  return base ? row.opsPerSec / base.opsPerSec : NaN;
}
