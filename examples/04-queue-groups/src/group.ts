// Several in-process workers, each with its OWN connection (as if each were its own process),
// reading one stream. `durable` decides the lesson: one shared name = a queue group; a name per
// worker (the seed's mistake) = independent consumers that each get everything.
import { connectNats, PullWorker, type Nats } from '@mq/shared';
import { emailJob, type Processed } from './handler';

export interface GroupOptions {
  url: string;
  stream: string;
  /** The durable consumer each worker reads: one shared name, or a name per worker label. */
  durable: string | ((label: string) => string);
  labels: string[];
  workMs: number;
  batch?: number;
  failRate?: number;
  nakDelayMs?: number;
  onProcessed?: (p: Processed) => void;
}

export interface Group {
  readonly workers: PullWorker[];
  /** Every settled message, in the order the outcomes happened. */
  readonly records: Processed[];
  start(): void;
  /** Stop every worker (no new fetches, the message in hand is finished), then disconnect. */
  stop(): Promise<void>;
}

export async function openGroup(opts: GroupOptions): Promise<Group> {
  const records: Processed[] = [];
  const conns: Nats[] = [];
  const workers: PullWorker[] = [];
  try {
    for (const label of opts.labels) {
      const nats = await connectNats(opts.url, { name: `worker-${label}` });
      conns.push(nats);
      const job = emailJob({
        worker: label,
        workMs: opts.workMs,
        failRate: opts.failRate,
        nakDelayMs: opts.nakDelayMs,
        onProcessed: (p) => {
          records.push(p);
          opts.onProcessed?.(p);
        },
      });
      const consumer = typeof opts.durable === 'string' ? opts.durable : opts.durable(label);
      const batch = opts.batch ?? 1;
      workers.push(new PullWorker({ js: nats.js, stream: opts.stream, consumer, batch, handler: job.handler, onEvent: job.onEvent }));
    }
  } catch (err) {
    await Promise.allSettled(conns.map((c) => c.close()));
    throw err;
  }
  return {
    workers,
    records,
    start: () => workers.forEach((w) => w.start()),
    stop: async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.allSettled(conns.map((c) => c.close()));
    },
  };
}

/** How many acked messages each worker label settled. */
export function ackedPerWorker(records: Processed[], labels: string[]): Record<string, number> {
  const counts = Object.fromEntries(labels.map((l) => [l, 0]));
  for (const r of records) if (r.outcome === 'ack') counts[r.worker] = (counts[r.worker] ?? 0) + 1;
  return counts;
}
