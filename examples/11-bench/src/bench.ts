// The whole bench in one function: start private servers, measure each backend's raw ceiling,
// run every driver on the same payload and worker count, then restart everything to observe
// what each transport keeps. Used by main.ts (people) and the smoke test (CI).
import { buildDrivers, connectAll, startServers, type DriverOptions } from './backends';
import { measureCeilings, type Ceilings } from './ceiling';
import { restartCheck, type RestartResult } from './durability';
import { runDriver, type RunResult } from './measure';

export interface BenchOptions extends DriverOptions {
  mode: 'quick' | 'full';
  messages: number;
  /** Messages for the paced latency phase, and their rate. */
  latencyMessages: number;
  latencyRatePerSec: number;
  size: number;
  workers: number;
  restartMessages: number;
  onProgress?: (line: string) => void;
}

export const QUICK: Omit<BenchOptions, 'onProgress'> = { mode: 'quick', messages: 300, latencyMessages: 100, latencyRatePerSec: 500, size: 256, workers: 2, restartMessages: 50, pollIntervalMs: 100, jetstreamWindow: 64 };
export const FULL: Omit<BenchOptions, 'onProgress'> = { mode: 'full', messages: 5_000, latencyMessages: 1_000, latencyRatePerSec: 500, size: 1024, workers: 2, restartMessages: 500, pollIntervalMs: 1_000, jetstreamWindow: 256 };

export interface BenchReport {
  when: string;
  mode: BenchOptions['mode'];
  machine: { cpus: number; node: string };
  options: Omit<BenchOptions, 'onProgress'>;
  servers: { nats: string; redis: string; postgres: string };
  ceilings: Ceilings;
  results: (RunResult & { ofCeilingPct: number })[];
  restart: RestartResult[];
}

export async function runBench(opts: BenchOptions): Promise<BenchReport> {
  const { onProgress = () => {}, ...options } = opts;
  const servers = await startServers();
  try {
    const conns = await connectAll(servers);
    let ceilings: Ceilings;
    const results: BenchReport['results'] = [];
    try {
      onProgress('measuring raw client ceilings');
      ceilings = await measureCeilings(conns.nats.nc, conns.redis, conns.pool, Math.max(opts.messages, 1000), opts.size);
      for (const driver of buildDrivers(conns, servers, opts)) {
        onProgress(`running ${driver.name}`);
        const r = await runDriver(driver, { ...opts, timeoutMs: 20_000 + opts.messages * 5 });
        results.push({ ...r, ofCeilingPct: Math.round((r.endToEndPerSec / ceilings[r.backend]) * 1000) / 10 });
      }
    } finally {
      await conns.close();
    }
    onProgress('restarting all three servers to see what each transport kept');
    const restart = await restartCheck(servers, opts.restartMessages, opts);
    const os = await import('node:os');
    return {
      when: new Date().toISOString(),
      mode: opts.mode,
      machine: { cpus: os.cpus().length, node: process.version },
      options,
      servers: { nats: servers.nats.url, redis: servers.redis.url, postgres: servers.postgres.url },
      ceilings,
      results,
      restart,
    };
  } finally {
    await servers.dispose();
  }
}
