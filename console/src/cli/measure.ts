// pnpm --filter console measure: how responsive the console stays while the busiest workload runs.
// A private nats-server, the console in this process, a flood of orders through 4 PullWorkers in a
// child process (every ack reported to the console), and a page's worth of clients: one SSE
// stream and an HTTP probe every 100 ms. Prints the event loop's delay, the SSE latency (event
// happened -> page received it) and the probe's round trip, as percentiles.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { intFlag, parseFlags, runMain, type ConsoleEvent } from '@mq/shared';
import { PrivateNatsServer } from '@mq/shared/services';
import { startConsole } from '../server';

const USAGE = 'Usage: pnpm --filter console measure [-- --messages 60000 --workers 4]';
const HERE = path.dirname(fileURLToPath(import.meta.url));

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
};

runMain(async () => {
  const f = parseFlags(USAGE, { messages: { type: 'string' }, workers: { type: 'string' } });
  const messages = intFlag('messages', f.messages, 60_000, 1);
  const workers = intFlag('workers', f.workers, 4, 1, 32);
  const server = await PrivateNatsServer.start({ monitor: true });
  const c = await startConsole({ natsUrl: server.url, monitorUrl: server.monitorUrl, port: 0, intervalMs: 500 });
  const sseLatency: number[] = [];
  const probe: number[] = [];
  const abort = new AbortController();
  try {
    // The page's event stream, read as a browser would.
    void (async () => {
      const res = await fetch(`${c.url}/events`, { signal: abort.signal });
      const decoder = new TextDecoder();
      let buf = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (!block.startsWith('event: events')) continue;
          const now = Date.now();
          for (const e of JSON.parse(block.slice(block.indexOf('data: ') + 6)) as ConsoleEvent[]) sseLatency.push(now - e.at);
        }
      }
    })().catch(() => {});
    const probing = setInterval(async () => {
      const t = performance.now();
      await fetch(`${c.url}/api/health`).then((r) => r.json()).catch(() => {});
      probe.push(performance.now() - t);
    }, 100);
    c.loopDelay(true);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, '..', 'flood.ts'), '--url', server.url, '--messages', String(messages), '--workers', String(workers)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    if (code !== 0) throw new Error(`the flood exited with ${code}`);
    const loop = c.loopDelay();
    clearInterval(probing);
    const flood = JSON.parse(out.trim().split('\n').at(-1)!) as { messages: number; ms: number };
    const rate = Math.round(flood.messages / (flood.ms / 1000));
    const r1 = (n: number) => n.toFixed(1);
    console.log(`flood: ${flood.messages} orders through ${workers} PullWorkers in ${(flood.ms / 1000).toFixed(1)} s (${rate} acks/s, each reported to the console)`);
    console.log(`console received ${c.hub.received} events`);
    console.log(`event-loop delay of the console:  p50 ${r1(loop.p50)} ms, p99 ${r1(loop.p99)} ms, max ${r1(loop.max)} ms`);
    console.log(`SSE latency (ack -> page):        p50 ${pct(sseLatency, 50)} ms, p99 ${pct(sseLatency, 99)} ms, max ${Math.max(...sseLatency)} ms (${sseLatency.length} events)`);
    console.log(`HTTP probe round trip:            p50 ${r1(pct(probe, 50))} ms, p99 ${r1(pct(probe, 99))} ms, max ${r1(Math.max(...probe))} ms (${probe.length} probes)`);
  } finally {
    abort.abort();
    await c.close();
    await server.dispose();
  }
});
