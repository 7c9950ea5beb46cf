// `pnpm --filter 02-redis-list bench`: what does AOF really cost on this machine? The story says
// turning on `appendonly yes` + `appendfsync everysec` dropped writes from 100K to 20K ops/s.
// This measures LPUSH throughput and latency with no persistence, AOF everysec and AOF always,
// each against its own private redis-server. Not a test: the numbers depend on the machine.
// Subpath imports: the bench smoke test starts this file as a process; a lighter start helps.
import { intFlag, parseFlags, runMain, UsageError } from '@mq/shared';
import { createOutput } from '@mq/shared';
import { relativeToNone, runAofBench, type AofBenchOptions, type AofBenchRow } from './aof-cost';

const USAGE = `usage: pnpm --filter 02-redis-list bench [-- options]
  --duration-ms N   length of each ioredis measurement (default 1000)
  --rounds N        configurations take turns this often; the median counts (default 3)
  --clients N       concurrent connections (default 50, like redis-benchmark)
  --pipelines LIST  pipeline depths, comma-separated (default 1,16)
  --rb-requests N   requests per redis-benchmark run, 0 to skip it (default 50000)
  --tiny            a quick sanity run (1 round of 200 ms, 4 clients, no pipelining, no redis-benchmark)
  --json            print the rows as JSON instead of a table`;

runMain(async () => {
  const f = parseFlags(USAGE, {
    'duration-ms': { type: 'string' },
    rounds: { type: 'string' },
    clients: { type: 'string' },
    pipelines: { type: 'string' },
    'rb-requests': { type: 'string' },
    tiny: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const tiny = !!f.tiny;
  const pipelines = (f.pipelines ?? (tiny ? '1' : '1,16')).split(',').map((p) => intFlag('pipelines', p.trim(), 1, 1, 1000));
  if (pipelines.length === 0) throw new UsageError(USAGE);
  const opts: AofBenchOptions = {
    durationMs: intFlag('duration-ms', f['duration-ms'], tiny ? 200 : 1000, 50, 600_000),
    rounds: intFlag('rounds', f.rounds, tiny ? 1 : 3, 1, 100),
    clients: intFlag('clients', f.clients, tiny ? 4 : 50, 1, 1000),
    pipelines,
    redisBenchmarkRequests: intFlag('rb-requests', f['rb-requests'], tiny ? 0 : 50_000, 0),
  };
  const out = createOutput(f.json ? () => {} : undefined);
  out.chapter('02-redis-list bench', 'LPUSH throughput with and without AOF');
  out.say(`story: AOF everysec took writes from 100K to 20K ops/s and latency from < 1 ms to 5 ms.`);
  out.say(`here: ${opts.clients} clients, pipelines ${pipelines.join('/')}, ${opts.rounds} round(s) of ${opts.durationMs} ms per ioredis run, median kept`);
  const rows = await runAofBench({ ...opts, onProgress: f.json ? undefined : (l) => out.say(`… ${l}`) });
  if (f.json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  out.step('Results');
  out.table(
    rows.map((r) => ({
      persistence: r.config,
      client: r.client,
      pipeline: r.pipeline,
      'ops/s': Math.round(r.opsPerSec),
      'vs none': `${Math.round(relativeToNone(rows, r) * 100)}%`,
      'p50 ms': r.p50Ms === undefined ? '' : r.p50Ms.toFixed(2),
      'p99 ms': r.p99Ms === undefined ? '' : r.p99Ms.toFixed(2),
      'redis CPU': r.redisCpuPct === undefined ? '' : `${Math.round(r.redisCpuPct)}%`,
      'server says': r.aof.enabled ? `aof on, ${r.aof.fsync}` : 'aof off',
    })),
  );
  out.step('Against the story (100K -> 20K ops/s, i.e. AOF everysec keeps 20%)');
  const shapes = [...new Map(rows.map((r) => [`${r.client}/${r.pipeline}`, r])).values()];
  const find = (shape: AofBenchRow, config: string) =>
    rows.find((r) => r.client === shape.client && r.pipeline === shape.pipeline && r.config === config);
  out.table(
    shapes.map((shape) => {
      const none = find(shape, 'no persistence');
      const every = find(shape, 'AOF everysec');
      const always = find(shape, 'AOF always');
      const pct = (r?: AofBenchRow) => (r && none ? `${Math.round((r.opsPerSec / none.opsPerSec) * 100)}%` : '');
      return {
        client: shape.client,
        pipeline: shape.pipeline,
        'none ops/s': none ? Math.round(none.opsPerSec) : undefined,
        'everysec ops/s': every ? Math.round(every.opsPerSec) : undefined,
        'everysec keeps': pct(every),
        'always ops/s': always ? Math.round(always.opsPerSec) : undefined,
        'always keeps': pct(always),
      };
    }),
  );
  out.say('');
  out.say('Each figure is the median of the rounds; on a shared machine single rounds vary a lot.');
});
