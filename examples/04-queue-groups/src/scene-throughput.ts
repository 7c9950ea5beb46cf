// Scene: the same backlog on two streams, one worked off by a lone worker and one by 3 workers
// sharing a durable, both started at the same moment. We compare what each got done in the SAME
// window (until the three finish), so a busy machine slows both sides alike. Each email is an
// awaited wait (I/O, like the story's slow mail server), so 3 workers overlap their waits, ~3x
// the throughput even on 2 cores. CPU-bound work would not scale like this.
import { connectNats, deleteStreamIfExists, ensureDurable, makeOrder, publishJson, waitFor } from '@mq/shared';
import { openGroup } from './group';
import { ensureQueueStream, SCENE_STREAM, SCOPE } from './setup';
import { SALE } from './backlog';
import type { DemoContext } from './demo-context';

export interface ThroughputOptions {
  url: string;
  /** Stream name prefix: the runs use <prefix>_1 and <prefix>_3. */
  streamPrefix: string;
  /** Subject prefix: the runs publish on <prefix>1.email and <prefix>3.email. */
  subjectPrefix: string;
  orders: number;
  workMs: number;
}

export interface Side {
  workers: number;
  /** Orders acked within the window. */
  orders: number;
  perSecond: number;
  perWorker: Record<string, number>;
}

export interface ThroughputResult {
  /** From the first message taken to the three workers' last ack. */
  windowMs: number;
  one: Side;
  three: Side;
  /** three.orders / one.orders over the same window. */
  ratio: number;
  stopped: Promise<void>;
}

export async function compareThroughput(o: ThroughputOptions): Promise<ThroughputResult> {
  const sides = [1, 3].map((k) => ({ k, stream: `${o.streamPrefix}_${k}`, subject: `${o.subjectPrefix}${k}.email`, labels: Array.from({ length: k }, (_, i) => String(i + 1)) }));
  const admin = await connectNats(o.url, { name: 'throughput-admin' });
  try {
    for (const s of sides) {
      await deleteStreamIfExists(admin.jsm, s.stream);
      await ensureQueueStream(admin.jsm, s.stream, s.subject, SCENE_STREAM);
      await ensureDurable(admin.jsm, s.stream, 'email-workers', { filterSubject: s.subject, ackWaitMs: 30_000 });
      await Promise.all(Array.from({ length: o.orders }, (_, i) => publishJson(admin.js, s.subject, makeOrder(i + 1))));
    }
  } finally {
    await admin.close();
  }
  const [lone, trio] = await Promise.all(sides.map((s) => openGroup({ url: o.url, stream: s.stream, durable: 'email-workers', labels: s.labels, workMs: o.workMs, batch: 1 })));
  lone.start();
  trio.start();
  try {
    await waitFor(() => trio.records.filter((r) => r.outcome === 'ack').length >= o.orders, {
      timeoutMs: 15_000 + o.orders * (o.workMs + 20), // generous: the machine may be busy with other test files
      what: `${o.orders} orders acked by the three workers`,
    });
  } catch (err) {
    await Promise.all([lone.stop(), trio.stop()]);
    throw err;
  }
  const start = Math.min(...[...lone.records, ...trio.records].map((r) => r.startedAt));
  const end = Math.max(...trio.records.map((r) => r.at));
  const side = (workers: number, records: typeof trio.records, labels: string[]): Side => {
    const acked = records.filter((r) => r.outcome === 'ack' && r.at <= end);
    const perWorker = Object.fromEntries(labels.map((l) => [l, acked.filter((r) => r.worker === l).length]));
    return { workers, orders: acked.length, perSecond: Math.round((acked.length * 1000) / (end - start)), perWorker };
  };
  const one = side(1, lone.records, sides[0].labels);
  const three = side(3, trio.records, sides[1].labels);
  const stopped = Promise.all([lone.stop(), trio.stop()]).then(() => {});
  return { windowMs: end - start, one, three, ratio: three.orders / Math.max(1, one.orders), stopped };
}

/** The demo's narration of this scene (main.ts runs it). */
export async function narrateThroughput(c: DemoContext): Promise<ThroughputResult> {
  const { out, t, pending } = c;
  const workMs = t.real ? 1000 / SALE.perWorkerPerSecond : 15;
  out.step(`Throughput: 1 worker vs 3, each email ${workMs} ms of waiting${t.real ? ' (the story: 500 msg/s)' : ' (story: 2 ms = 500 msg/s; scaled up to be measurable)'}`);
  out.say('Two equal backlogs on two streams, started at the same moment: a lone worker on one, three workers on the other.');
  const speed = await compareThroughput({ url: c.url, streamPrefix: SCOPE.stream('SPEED'), subjectPrefix: SCOPE.subject('speed'), orders: 120, workMs });
  pending.push(speed.stopped);
  out.say(`In the ${speed.windowMs} ms the three needed for all 120 orders:`);
  out.table(
    [speed.one, speed.three].map((r) => ({ workers: r.workers, 'orders done': r.orders, 'msg/s': r.perSecond, 'ideal msg/s': Math.round((r.workers * 1000) / workMs) })),
  );
  (speed.ratio >= 2.5 ? out.ok : out.bad)(`3 workers: ${speed.ratio.toFixed(2)}x the throughput of one (the waits overlap; the rest is fetch and ack round trips)`);
  out.say('This scales because sending an email is waiting on I/O. CPU-bound work scales only up to the number of cores.');
  return speed;
}
