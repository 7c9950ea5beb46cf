// What `noAsyncTraces: true` (set by the shared connectNats) buys: the same raw JetStream publish
// with a window of PubAcks, on two connections that differ only in that option, interleaved.
import { RetentionPolicy, StorageType, jetstream } from '@nats-io/jetstream';
import { connectNats, deleteStreamIfExists } from '@mq/shared';
import { median, round } from './measure';

export interface AsyncTracesResult {
  messages: number;
  size: number;
  window: number;
  withoutTracesRate: number;
  withTracesRate: number;
  /** withoutTracesRate / withTracesRate, median of the rounds. */
  speedup: number;
}

export async function measureAsyncTraces(url: string, n: number, size: number, window: number, rounds: number): Promise<AsyncTracesResult> {
  const off = await connectNats(url, { name: 'bench-no-async-traces' }); // the shared default
  const on = await connectNats(url, { name: 'bench-async-traces', noAsyncTraces: false });
  const stream = 'BENCH_TRACES';
  const subject = 'bench.traces';
  const payload = new Uint8Array(size);
  const rate = async (nc: typeof off.nc) => {
    await deleteStreamIfExists(off.jsm, stream);
    await off.jsm.streams.add({ name: stream, subjects: [subject], storage: StorageType.File, retention: RetentionPolicy.Limits });
    const js = jetstream(nc);
    const t0 = performance.now();
    for (let i = 0; i < n; i += window) {
      const acks = [];
      for (let j = i; j < Math.min(n, i + window); j++) acks.push(js.publish(subject, payload));
      await Promise.all(acks);
    }
    return n / ((performance.now() - t0) / 1000);
  };
  const without: number[] = [];
  const withTraces: number[] = [];
  const speedups: number[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const a = r % 2 === 0 ? await rate(off.nc) : NaN;
      const b = await rate(on.nc);
      const c = r % 2 === 1 ? await rate(off.nc) : a;
      without.push(c);
      withTraces.push(b);
      speedups.push(c / b);
    }
  } finally {
    await deleteStreamIfExists(off.jsm, stream).catch(() => {});
    await Promise.all([off.close(), on.close()]);
  }
  return {
    messages: n,
    size,
    window,
    withoutTracesRate: Math.round(median(without)),
    withTracesRate: Math.round(median(withTraces)),
    speedup: round(median(speedups)),
  };
}
