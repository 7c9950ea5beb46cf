// Runs one driver: W workers in one group, N messages of S bytes, and measures end-to-end
// throughput and pickup latency (publish start -> handler), counting lost and duplicate messages.
import { waitFor } from '@mq/shared';
import { readStamp, stamp, type Driver } from './driver';

export interface RunOptions {
  messages: number;
  size: number;
  workers: number;
  timeoutMs: number;
}

export interface RunResult {
  driver: string;
  backend: Driver['backend'];
  semantics: string;
  messages: number;
  received: number;
  duplicates: number;
  lost: number;
  publishPerSec: number;
  endToEndPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export async function runDriver(driver: Driver, opts: RunOptions): Promise<RunResult> {
  await driver.setup();
  const seen = new Uint8Array(opts.messages);
  const latencies: number[] = [];
  let received = 0;
  let duplicates = 0;
  const subs = [];
  for (let w = 0; w < opts.workers; w++) {
    subs.push(
      await driver.subscribe('bench-group', async (d) => {
        const now = performance.now();
        const { sentAt, seq } = readStamp(d.data);
        if (seen[seq]) duplicates += 1;
        else {
          seen[seq] = 1;
          received += 1;
          latencies.push(now - sentAt);
        }
        await d.ack();
      }),
    );
  }
  const t0 = performance.now();
  for (let i = 0; i < opts.messages; i++) await driver.publish(stamp(opts.size, i));
  await driver.flush();
  const tPub = performance.now();
  await waitFor(() => received >= opts.messages, { timeoutMs: opts.timeoutMs, what: `${driver.name} to deliver ${opts.messages} messages` }).catch(() => undefined);
  const tEnd = performance.now();
  await Promise.all(subs.map((s) => s.stop()));
  await driver.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : NaN);
  return {
    driver: driver.name,
    backend: driver.backend,
    semantics: driver.semantics,
    messages: opts.messages,
    received,
    duplicates,
    lost: opts.messages - received,
    publishPerSec: Math.round(opts.messages / ((tPub - t0) / 1000)),
    endToEndPerSec: Math.round(received / ((tEnd - t0) / 1000)),
    p50Ms: round(pct(50)),
    p99Ms: round(pct(99)),
    maxMs: round(latencies[latencies.length - 1] ?? NaN),
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
