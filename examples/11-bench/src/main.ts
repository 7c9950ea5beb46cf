// The transport bench: `pnpm --filter 11-bench start` (quick, seconds) or `pnpm --filter 11-bench bench`
// (full, for people). Prints the tables, writes JSON and an SVG chart.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOutput, intFlag, parseFlags, runMain } from '@mq/shared';
import { FULL, QUICK, runBench } from './bench';
import { renderChart } from './chart';
import { STORY_CLAIMS } from './story-table';

const USAGE = `usage: pnpm --filter 11-bench start [-- --full] [--messages N] [--size BYTES] [--out DIR]
  --full          the full run (5,000 x 1 KiB messages, the story's 1 s poll interval); default is a quick run
  --messages N    messages per driver
  --size BYTES    payload size
  --out DIR       where bench-<mode>.json and bench-<mode>.svg go (default: examples/11-bench/results)`;

runMain(async () => {
  const flags = parseFlags(USAGE, { full: { type: 'boolean' }, messages: { type: 'string' }, size: { type: 'string' }, out: { type: 'string' } });
  const base = flags.full ? FULL : QUICK;
  const opts = { ...base, messages: intFlag('messages', flags.messages, base.messages, 10, 1_000_000), size: intFlag('size', flags.size, base.size, 16, 1 << 20) };
  const outDir = path.resolve(flags.out ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results'));
  const out = createOutput();
  out.chapter('11-bench', 'Six transports, one machine, one run', '#11-bench');
  out.say(`${opts.mode} mode, per driver: ${opts.latencyMessages} messages paced at ${opts.latencyRatePerSec}/s for pickup latency,`);
  out.say(`then ${opts.messages} messages flat out for throughput; ${opts.size}-byte payloads, ${opts.workers} workers in one group.`);
  out.say('Servers: a private nats-server, redis-server and PostgreSQL cluster started for this run (the bench restarts them).');

  const t0 = performance.now();
  const report = await runBench({ ...opts, onProgress: (l) => out.say(`… ${l}`) });

  out.step('Raw client ceilings (batched writes, no queue semantics)');
  out.table(Object.entries(report.ceilings).map(([backend, perSec]) => ({ backend, 'msg/s': perSec })));

  out.step(`Each driver: throughput flat out, pickup latency at ${opts.latencyRatePerSec} msg/s (publish call -> worker handler)`);
  out.table(
    report.results.map((r) => ({
      driver: r.driver,
      'pub msg/s': r.publishPerSec,
      'e2e msg/s': r.endToEndPerSec,
      '% of ceiling': r.ofCeilingPct,
      'p50 ms': r.p50Ms,
      'p99 ms': r.p99Ms,
      lost: r.lost,
      dup: r.duplicates,
    })),
  );

  out.step(`Restart all servers with ${opts.restartMessages} messages waiting: what is kept?`);
  out.table(report.restart.map((r) => ({ driver: r.driver, published: r.published, kept: r.keptAfterRestart, lost: r.lost })));

  out.step("The story's comparison table (claims, not measured here)");
  out.table(STORY_CLAIMS);

  fs.mkdirSync(outDir, { recursive: true });
  const json = path.join(outDir, `bench-${opts.mode}.json`);
  const svg = path.join(outDir, `bench-${opts.mode}.svg`);
  fs.writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  fs.writeFileSync(svg, renderChart(report.results, `mq-lessons bench (${opts.mode}): ${opts.messages} x ${opts.size} B, ${report.machine.cpus} cores, ${report.when.slice(0, 10)}`));
  out.step('Written');
  out.say(`${path.relative(process.cwd(), json)}\n${path.relative(process.cwd(), svg)}\ntotal ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});
