// The story's comparison table (seed 001), reproduced beside our measurement, and a verdict for
// each claim this machine can check: measured against claimed, ✔ or ✘. Kafka is not run here, so
// its row stays a claim, labelled as one.
import type { DriverEntry } from './bench';
import type { RestartResult } from './durability';

export const STORY_CLAIMS = [
  { system: 'NATS', throughput: '100K+ msg/s', latency: '<5 ms', persistence: 'JetStream', ack: 'manual ack' },
  { system: 'Kafka', throughput: '1M+ msg/s', latency: '~50 ms', persistence: 'disk log', ack: 'offsets' },
  { system: 'RabbitMQ', throughput: '20K msg/s', latency: '~10 ms', persistence: 'optional', ack: 'ack' },
  { system: 'Redis', throughput: '100K ops/s', latency: '<1 ms', persistence: 'AOF (partial)', ack: 'none (lists)' },
];

/** The story's `nats bench` run (seed 001, step 5): core NATS publish only, 10 publishers, no subscriber, 1 KiB. */
export const NATS_BENCH_FIGURE = 124_532;

export interface Verdict {
  claim: string;
  measured: string;
  /** null: a claim this bench cannot check. */
  holds: boolean | null;
}

const n = (x: number) => x.toLocaleString('en-US');

export function storyVerdicts(drivers: DriverEntry[], restart: RestartResult[]): Verdict[] {
  const by = Object.fromEntries(drivers.map((d) => [d.name, d]));
  const kept = Object.fromEntries(restart.map((r) => [r.driver, r]));
  const missing = (claim: string, name: string): Verdict => ({ claim, measured: `${name}: not measured in this run`, holds: null });
  const rate = (claim: string, name: string, min: number, what = 'e2e'): Verdict => {
    const d = by[name];
    if (!d) return missing(claim, name);
    const v = what === 'pub' ? d.publishPerSec : d.e2eRate;
    return { claim, measured: `${name} ${what} ${n(v)} msg/s`, holds: v >= min };
  };
  const latency = (claim: string, name: string, maxMs: number, pct: 'p50' | 'p99'): Verdict => {
    if (!by[name]) return missing(claim, name);
    const v = pct === 'p50' ? by[name].p50Ms : by[name].p99Ms;
    return { claim, measured: `${name} pickup ${pct} ${v} ms`, holds: v <= maxMs };
  };
  const survives = (claim: string, name: string, expectKept: boolean): Verdict => {
    const r = kept[name];
    if (!r || r.keptAfterRestart === null) return { claim, measured: `${name}: not restarted in this run (see the restart step)`, holds: null };
    const all = r.keptAfterRestart === r.published;
    return { claim, measured: `${name} kept ${r.keptAfterRestart} of ${r.published} across a restart`, holds: all === expectKept };
  };
  return [
    rate('NATS 100K+ msg/s (the story\'s nats bench: core publish, 10 publishers, no subscriber)', 'nats-core', 100_000, 'pub'),
    rate('NATS 100K+ msg/s, delivered to a queue group', 'nats-core', 100_000),
    rate('NATS 100K+ msg/s, JetStream with acks', 'jetstream-async', 100_000),
    latency('NATS <5 ms', 'jetstream-async', 5, 'p99'),
    survives('NATS persistence: JetStream keeps messages', 'jetstream-async', true),
    { claim: 'Kafka 1M+ msg/s, ~50 ms', measured: 'claim only: no Kafka on this machine', holds: null },
    rate('RabbitMQ 20K msg/s', 'rabbitmq', 20_000),
    latency('RabbitMQ ~10 ms', 'rabbitmq', 10, 'p50'),
    survives('RabbitMQ persistence (durable queue, persistent messages)', 'rabbitmq', true),
    rate('Redis 100K ops/s (list)', 'redis-list', 100_000),
    rate('Redis 100K ops/s (streams)', 'redis-streams', 100_000),
    latency('Redis <1 ms', 'redis-list', 1, 'p50'),
    survives('Redis without AOF loses a restart (story: "AOF (partial)")', 'redis-list', false),
  ];
}

export function verdictMark(v: Verdict): string {
  return v.holds === null ? '·' : v.holds ? '✔' : '✘';
}
