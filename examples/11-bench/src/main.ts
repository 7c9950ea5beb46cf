// The transport bench: `pnpm --filter 11-bench start` (quick, seconds) or `pnpm --filter 11-bench bench`
// (full, for people). Prints the tables with a methodology card for each, writes JSON and an SVG chart.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOutput, intFlag, parseFlags, runMain } from '@mq/shared';
import { FULL, QUICK, runBench } from './bench';
import { renderChart } from './chart';
import { NATS_BENCH_FIGURE, STORY_CLAIMS, storyVerdicts, verdictMark } from './story-table';

const USAGE = `usage: pnpm --filter 11-bench start [-- --full] [--messages N] [--rounds N] [--size BYTES] [--out DIR]
  --full          the full run (5,000 x 1 KiB messages, 3 rounds, the story's 1 s poll interval, a private RabbitMQ
                  node that is restarted too); default is a quick run on the machine's RabbitMQ
  --messages N    messages per driver and round
  --rounds N      rounds of each driver against its raw twin (interleaved; medians are printed)
  --size BYTES    payload size
  --out DIR       where bench-<mode>.json and bench-<mode>.svg go (default: examples/11-bench/results)`;

runMain(async () => {
  const flags = parseFlags(USAGE, {
    full: { type: 'boolean' },
    messages: { type: 'string' },
    rounds: { type: 'string' },
    size: { type: 'string' },
    out: { type: 'string' },
  });
  const base = flags.full ? FULL : QUICK;
  const opts = {
    ...base,
    messages: intFlag('messages', flags.messages, base.messages, 10, 1_000_000),
    rounds: intFlag('rounds', flags.rounds, base.rounds, 1, 20),
    size: intFlag('size', flags.size, base.size, 16, 1 << 20),
  };
  const outDir = path.resolve(flags.out ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results'));
  const out = createOutput();
  out.chapter('11-bench', 'Eight transports, one machine, one run', '#11-bench');
  out.say(`${opts.mode} mode: ${opts.messages} messages flat out per driver and round, ${opts.rounds} rounds, each against a raw`);
  out.say(`client with the same semantics in the same run (alternating which goes first); ${opts.latencyMessages} more messages`);
  out.say(`paced at ${opts.latencyRatePerSec}/s for pickup latency; ${opts.size}-byte payloads, ${opts.workers} workers in one group.`);

  const t0 = performance.now();
  const report = await runBench({ ...opts, onProgress: (l) => out.say(`… ${l}`) });
  out.say(`Servers: ${Object.values(report.servers).join(', ')}; ${report.machine.host}.`);
  if (report.notMeasured) out.say(report.notMeasured);

  out.step('Each driver against its raw twin (e2e: first publish -> last message in a handler)');
  out.table(
    report.drivers.map((d) => ({
      driver: d.name,
      'e2e msg/s': d.e2eRate,
      'raw msg/s': d.rawRate,
      'ratio to raw': d.ratioToRaw.toFixed(2),
      'pub msg/s': d.publishPerSec,
      'p50 ms': d.p50Ms,
      'p99 ms': d.p99Ms,
      lost: d.lost + d.rawLost,
      dup: d.duplicates + d.rawDuplicates,
    })),
  );
  out.say('Ratio: the median over the rounds of (driver e2e / raw e2e). Rates are medians too; latency is from the paced phase.');
  out.say(`Methodology card (${report.machine.host}):`);
  out.table(report.drivers.map((d) => ({ driver: d.name, storage: d.card.storage, 'publish / batch / window': d.card.batchOrWindow, ack: d.card.ack })));

  out.step("The shared PullWorker against raw consume() on the same backlog (JetStream, file storage)");
  out.table(report.workerModes.map((m) => ({ mode: m.name, 'msg/s': m.rate, 'against': m.rawName, 'raw msg/s': m.rawRate, ratio: m.ratioToRaw.toFixed(2) })));
  for (const m of report.workerModes) out.say(`${m.name}: ${m.description}.`);
  const [fast, piped, dflt] = report.workerModes;
  out.say(`Confirmed acks cost ${(fast.rate / piped.rate).toFixed(1)}x when pipelined and ${(fast.rate / dflt.rate).toFixed(1)}x when each one is awaited`);
  out.say('(the lessons\' default). Worth it when the handler does something that must not happen twice unnoticed and you');
  out.say('need to know the server recorded the ack before you move on (e.g. before telling someone "done"); for idempotent');
  out.say('handlers a plain ack is enough: a lost ack only means a redelivery after AckWait.');

  const tr = report.asyncTraces;
  out.step('What noAsyncTraces buys (raw JetStream publish, window of PubAcks)');
  out.say(`${tr.messages} x ${tr.size} B, ${tr.window} PubAcks in flight: ${tr.withoutTracesRate} msg/s with noAsyncTraces: true (the shared`);
  out.say(`connectNats default), ${tr.withTracesRate} msg/s with async traces on: ${tr.speedup.toFixed(2)}x.`);

  const rabbitNote = report.restart.find((r) => r.note)?.note;
  out.step(`Restart the servers with ${opts.restartMessages} messages waiting: what is kept?`);
  const unmeasured = (r: (typeof report.restart)[number]) => (r.note?.startsWith('not measured') ? 'n/a' : 'claim');
  const restartRows = report.restart.map((r) => ({
    driver: r.driver,
    published: r.published,
    kept: r.keptAfterRestart ?? unmeasured(r),
    lost: r.lost ?? unmeasured(r),
  }));
  out.table(restartRows);
  if (rabbitNote) out.say(`rabbitmq: ${rabbitNote}.`);

  out.step("The story's comparison table, claim by claim");
  out.table(STORY_CLAIMS);
  for (const v of storyVerdicts(report.drivers, report.restart)) out.say(`${verdictMark(v)} ${v.claim}: ${v.measured}`);
  out.say(`The story's \`nats bench\` figure (${NATS_BENCH_FIGURE.toLocaleString('en-US')} msg/s) is core NATS publish with 10 publishers and`);
  out.say('no subscriber: it corresponds to the nats-core row\'s "pub msg/s", not to any JetStream row.');

  fs.mkdirSync(outDir, { recursive: true });
  const json = path.join(outDir, `bench-${opts.mode}.json`);
  const svg = path.join(outDir, `bench-${opts.mode}.svg`);
  fs.writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  const title = `mq-lessons bench (${opts.mode}): ${opts.messages} x ${opts.size} B, ${report.machine.cpus} cores, ${report.when.slice(0, 10)}`;
  fs.writeFileSync(svg, renderChart(report.drivers, title));
  out.step('Written');
  // Relative to where it ran when the file is below it (results/...), absolute otherwise (--out /tmp/bench).
  const shown = (file: string) => (path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file));
  out.say(`${shown(json)}\n${shown(svg)}\ntotal ${((performance.now() - t0) / 1000).toFixed(1)} s`);
});
