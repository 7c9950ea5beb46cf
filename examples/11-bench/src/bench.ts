// The whole bench in one function: start private servers, run every driver and its raw counterpart
// (same client, same semantics) interleaved over a few rounds, measure the shared PullWorker's modes
// and what async traces cost, then restart everything to observe what each transport keeps.
// Used by main.ts (people) and the smoke test (CI).
import os from 'node:os';
import { measureAsyncTraces, type AsyncTracesResult } from './async-traces';
import { buildPairs, connectAll, startServers, type DriverOptions, type Pair } from './backends';
import { restartCheck, type RestartResult } from './durability';
import { median, round, runDriver, type RunResult } from './measure';
import { driverCards, hostLine, type Card } from './methodology';
import { measureWorkerModes, type WorkerModeResult } from './worker-modes';

export interface BenchOptions extends DriverOptions {
  mode: 'quick' | 'full';
  messages: number;
  /** Driver/raw pairs run this many times, alternating which goes first. */
  rounds: number;
  /** Messages for the paced latency phase, and their rate. */
  latencyMessages: number;
  latencyRatePerSec: number;
  size: number;
  workers: number;
  restartMessages: number;
  /** Flat-out messages after the latency phase, and a raw run of as many, to warm up (not counted). */
  warmMessages: number;
  /** Core NATS moves 5,000 messages in ~20 ms, too short to time on a loaded machine: it gets this many times more. */
  natsCoreScale: number;
  /** Start a private RabbitMQ node (and restart it); otherwise use the shared one, never restarted. */
  privateRabbit: boolean;
  onProgress?: (line: string) => void;
}

const COMMON = { workers: 2, latencyRatePerSec: 500, jetstreamWindow: 256, rabbitWindow: 256, rabbitPrefetch: 100 };
export const QUICK: Omit<BenchOptions, 'onProgress'> = {
  ...COMMON,
  mode: 'quick',
  messages: 300,
  rounds: 2,
  latencyMessages: 100,
  size: 256,
  restartMessages: 50,
  pollIntervalMs: 100,
  warmMessages: 0,
  natsCoreScale: 1,
  privateRabbit: false,
};
export const FULL: Omit<BenchOptions, 'onProgress'> = {
  ...COMMON,
  mode: 'full',
  messages: 5_000,
  rounds: 5,
  latencyMessages: 1_000,
  size: 1024,
  restartMessages: 500,
  pollIntervalMs: 1_000,
  warmMessages: 500,
  natsCoreScale: 10,
  privateRabbit: true,
};

/**
 * One driver: latency from its paced phase, rates as medians of the rounds, and the ratio as the
 * median of each round's driver/raw ratio. Lost and duplicate counts cover every run.
 */
export interface DriverEntry extends RunResult {
  name: string;
  e2eRate: number;
  rawRate: number;
  ratioToRaw: number;
  rounds: { e2eRate: number; rawRate: number; ratio: number }[];
  rawLost: number;
  rawDuplicates: number;
  card: Card;
}

export interface BenchReport {
  when: string;
  mode: BenchOptions['mode'];
  machine: { cpus: number; node: string; loadAverageAtStart: number[]; host: string };
  options: Omit<BenchOptions, 'onProgress'>;
  servers: { nats: string; redis: string; postgres: string; rabbitmq: string };
  drivers: DriverEntry[];
  workerModes: WorkerModeResult[];
  asyncTraces: AsyncTracesResult;
  restart: RestartResult[];
  /** Why a transport is missing from this run (no RabbitMQ), if one is. */
  notMeasured?: string;
}

async function measurePair(pair: Pair, opts: BenchOptions, card: Card): Promise<DriverEntry> {
  const messages = opts.messages * (pair.driver.name === 'nats-core' ? opts.natsCoreScale : 1);
  const timeoutMs = 20_000 + messages * 5;
  const base = { messages, size: opts.size, workers: opts.workers, latencyRatePerSec: opts.latencyRatePerSec, timeoutMs };
  // First the paced latency phase (with a short flat-out tail that doubles as the driver's warm-up),
  // and a short raw warm-up: neither is counted in the rates.
  const warm = Math.min(messages, opts.warmMessages);
  const latency = await runDriver(pair.driver, { ...base, messages: warm, latencyMessages: opts.latencyMessages });
  const warmRaw = warm > 0 ? await pair.raw.run({ ...base, messages: warm }) : { received: 0, duplicates: 0 };
  const rounds: DriverEntry['rounds'] = [];
  const pubRates: number[] = [];
  let received = latency.received;
  let lost = latency.lost;
  let duplicates = latency.duplicates;
  let rawLost = warm - warmRaw.received;
  let rawDuplicates = warmRaw.duplicates;
  // #region look-raw-twin
  for (let r = 0; r < opts.rounds; r++) {
    const driverRun = () => runDriver(pair.driver, { ...base, latencyMessages: 0 });
    const rawRun = () => pair.raw.run(base);
    // Alternate which goes first, so neither always runs on a warmer server.
    const [d, raw] = r % 2 === 0 ? [await driverRun(), await rawRun()] : await rawRun().then(async (x) => [await driverRun(), x] as const);
    const rawRate = Math.round(raw.received / (raw.ms / 1000));
    received += d.received;
    lost += d.lost;
    duplicates += d.duplicates;
    rawLost += messages - raw.received;
    rawDuplicates += raw.duplicates;
    pubRates.push(d.publishPerSec);
    rounds.push({ e2eRate: d.endToEndPerSec, rawRate, ratio: round(d.endToEndPerSec / rawRate) });
  }
  // #endregion look-raw-twin
  return {
    ...latency,
    messages: latency.messages + messages * opts.rounds,
    received,
    lost,
    duplicates,
    publishPerSec: Math.round(median(pubRates)),
    endToEndPerSec: Math.round(median(rounds.map((x) => x.e2eRate))),
    name: pair.driver.name,
    e2eRate: Math.round(median(rounds.map((x) => x.e2eRate))),
    rawRate: Math.round(median(rounds.map((x) => x.rawRate))),
    ratioToRaw: round(median(rounds.map((x) => x.ratio))),
    rounds,
    rawLost,
    rawDuplicates,
    card,
  };
}

export async function runBench(opts: BenchOptions): Promise<BenchReport> {
  const { onProgress = () => {}, ...options } = opts;
  const loadAverageAtStart = os.loadavg();
  const host = hostLine();
  const servers = await startServers({ privateRabbit: opts.privateRabbit });
  try {
    const conns = await connectAll(servers);
    const drivers: DriverEntry[] = [];
    let workerModes: WorkerModeResult[];
    let asyncTraces: AsyncTracesResult;
    const cards = driverCards(opts);
    try {
      for (const pair of buildPairs(conns, servers, opts)) {
        onProgress(`running ${pair.driver.name} and its raw twin, ${opts.rounds} rounds`);
        drivers.push(await measurePair(pair, opts, cards[pair.driver.name]));
      }
      onProgress('running the shared PullWorker against raw consume()');
      workerModes = await measureWorkerModes(conns.nats, opts.messages, opts.size, opts.rounds);
      onProgress('publishing with and without async traces');
      asyncTraces = await measureAsyncTraces(servers.nats.url, opts.messages, opts.size, opts.jetstreamWindow, opts.rounds);
    } finally {
      await conns.close();
    }
    onProgress(`restarting the servers to see what each transport kept${servers.rabbit.private ? '' : ' (not the shared RabbitMQ)'}`);
    const restart = await restartCheck(servers, opts.restartMessages, opts);
    return {
      when: new Date().toISOString(),
      mode: opts.mode,
      machine: { cpus: os.cpus().length, node: process.version, loadAverageAtStart, host },
      options,
      servers: servers.versions,
      drivers,
      workerModes,
      asyncTraces,
      restart,
      notMeasured: servers.rabbit.unavailable,
    };
  } finally {
    await servers.dispose();
  }
}
