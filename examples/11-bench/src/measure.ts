// Runs one driver with W workers in one group, in two phases on the same subscription:
//   1. latency: L messages paced at a modest rate, far below any driver's capacity, so pickup
//      latency (publish call -> handler) is the transport's own, not time spent queued behind
//      thousands of unsent messages in this same process;
//   2. throughput: N messages as fast as the driver accepts them, timed from the first publish to
//      the last handler call.
// Lost and duplicate messages are counted across both phases.
import { delay, waitFor } from '@mq/shared';
import { readStamp, stamp, type Driver } from './driver';

export interface RunOptions {
  messages: number;
  latencyMessages: number;
  latencyRatePerSec: number;
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
  const total = opts.latencyMessages + opts.messages;
  const seen = new Uint8Array(total);
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
          if (seq < opts.latencyMessages) latencies.push(now - sentAt);
        }
        await d.ack();
      }),
    );
  }
  const arrived = (n: number, what: string) => waitFor(() => received >= n, { timeoutMs: opts.timeoutMs, what: `${driver.name} to deliver ${what}` }).catch(() => undefined);

  // Phase 1: paced.
  const gapMs = 1000 / opts.latencyRatePerSec;
  const tLat = performance.now();
  for (let i = 0; i < opts.latencyMessages; i++) {
    const ahead = tLat + i * gapMs - performance.now();
    if (ahead > 0) await delay(ahead);
    await driver.publish(stamp(opts.size, i));
  }
  await driver.flush();
  await arrived(opts.latencyMessages, 'the paced messages');

  // Phase 2: flat out.
  const before = received;
  const t0 = performance.now();
  for (let i = opts.latencyMessages; i < total; i++) await driver.publish(stamp(opts.size, i));
  await driver.flush();
  const tPub = performance.now();
  await arrived(total, `${total} messages`);
  const tEnd = performance.now();

  await Promise.all(subs.map((s) => s.stop()));
  await driver.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : NaN);
  return {
    driver: driver.name,
    backend: driver.backend,
    semantics: driver.semantics,
    messages: total,
    received,
    duplicates,
    lost: total - received,
    publishPerSec: Math.round(opts.messages / ((tPub - t0) / 1000)),
    endToEndPerSec: Math.round((received - before) / ((tEnd - t0) / 1000)),
    p50Ms: round(pct(50)),
    p99Ms: round(pct(99)),
    maxMs: round(latencies[latencies.length - 1] ?? NaN),
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
