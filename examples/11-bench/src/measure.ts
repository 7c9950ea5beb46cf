// Runs one driver with W workers in one group, in up to two phases on the same subscription:
//   1. latency (optional): L messages paced at a modest rate, far below any driver's capacity, so
//      pickup latency (publish call -> handler) is the transport's own, not time spent queued
//      behind thousands of unsent messages in this same process;
//   2. throughput: N messages as fast as the driver accepts them, timed from the first publish to
//      the moment the last one reaches a handler (an event, not a poll).
// Lost and duplicate messages are counted across both phases.
import { delay } from '@mq/shared';
import { Arrivals, publishAll, readSeq, readStamp, stamp, type Driver } from './driver';

export interface RunOptions {
  messages: number;
  /** 0 skips the latency phase (later rounds of the same driver). */
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
  const L = opts.latencyMessages;
  const total = L + opts.messages;
  const arrivals = new Arrivals(total);
  const latencies: number[] = [];
  const subs = [];
  for (let w = 0; w < opts.workers; w++) {
    subs.push(
      await driver.subscribe('bench-group', (d) => {
        const seq = readSeq(d.data);
        // Only the paced messages need a clock reading; the flat-out ones only count.
        if (arrivals.record(seq) && seq < L) latencies.push(performance.now() - readStamp(d.data).sentAt);
        return d.ack();
      }),
    );
  }

  // Phase 1: paced.
  const gapMs = 1000 / opts.latencyRatePerSec;
  const tLat = performance.now();
  for (let i = 0; i < L; i++) {
    const ahead = tLat + i * gapMs - performance.now();
    if (ahead > 0) await delay(ahead);
    const wait = driver.publish(stamp(opts.size, i));
    if (wait) await wait;
  }
  await driver.flush();
  await arrivals.until(L, opts.timeoutMs);

  // Phase 2: flat out.
  const before = arrivals.received;
  const t0 = performance.now();
  await publishAll((d) => driver.publish(d), L, total, opts.size);
  await driver.flush();
  const tPub = performance.now();
  await arrivals.until(total, opts.timeoutMs);
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
    received: arrivals.received,
    duplicates: arrivals.duplicates,
    lost: total - arrivals.received,
    publishPerSec: Math.round(opts.messages / ((tPub - t0) / 1000)),
    endToEndPerSec: Math.round((arrivals.received - before) / ((tEnd - t0) / 1000)),
    p50Ms: round(pct(50)),
    p99Ms: round(pct(99)),
    maxMs: round(latencies[latencies.length - 1] ?? NaN),
  };
}

export function round(n: number, places = 2): number {
  const f = 10 ** places;
  return Math.round(n * f) / f;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
