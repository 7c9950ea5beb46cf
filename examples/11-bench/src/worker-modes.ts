// The shared PullWorker against the raw client on the same backlog: how close its throughput mode
// (consume() refill, plain ack) comes to raw consume() + ack(), what pipelined confirmed acks
// cost, and what the lessons' default (fetch 10, then a confirmed ack per message) costs.
// Each run drains a fresh work-queue stream of N messages; runs interleave over the rounds.
import { AckPolicy, RetentionPolicy, StorageType, type JsMsg } from '@nats-io/jetstream';
import { deleteStreamIfExists, PullWorker, type Nats, type PullWorkerOptions } from '@mq/shared';
import { nanos } from '@nats-io/transport-node';
import { median, round } from './measure';

export interface WorkerModeResult {
  name: string;
  description: string;
  rawName: string;
  rate: number;
  rawRate: number;
  ratioToRaw: number;
}

const STREAM = 'BENCH_WORKER';
const SUBJECT = 'bench.worker';

async function backlog(nats: Nats, n: number, size: number): Promise<void> {
  await deleteStreamIfExists(nats.jsm, STREAM);
  await nats.jsm.streams.add({ name: STREAM, subjects: [SUBJECT], storage: StorageType.File, retention: RetentionPolicy.Workqueue });
  const payload = new Uint8Array(size);
  for (let i = 0; i < n; i += 256) {
    const acks = [];
    for (let j = i; j < Math.min(n, i + 256); j++) acks.push(nats.js.publish(SUBJECT, payload));
    await Promise.all(acks);
  }
  await nats.jsm.consumers.add(STREAM, { durable_name: 'w', ack_policy: AckPolicy.Explicit, ack_wait: nanos(30_000), max_ack_pending: 10_000 });
}

type Drain = (nats: Nats, n: number) => Promise<number>; // returns elapsed ms

/** Raw consume() with `ack` per message; done when all N are handled and their acks settled. */
function rawConsume(confirm: boolean): Drain {
  return async (nats, n) => {
    const messages = await (await nats.js.consumers.get(STREAM, 'w')).consume({ max_messages: 256 });
    const t0 = performance.now();
    let handled = 0;
    const pending: Promise<unknown>[] = [];
    for await (const m of messages) {
      if (confirm) pending.push(m.ackAck());
      else m.ack();
      if (++handled === n) break;
    }
    await Promise.all(pending);
    const ms = performance.now() - t0;
    await messages.close();
    return ms;
  };
}

function viaWorker(opts: Partial<PullWorkerOptions>): Drain {
  return async (nats, n) => {
    let handled = 0;
    let allHandled!: () => void;
    const done = new Promise<void>((r) => (allHandled = r));
    const worker = new PullWorker({
      js: nats.js,
      stream: STREAM,
      consumer: 'w',
      ...opts,
      handler: (_m: JsMsg) => {
        if (++handled === n) allHandled();
      },
    });
    const t0 = performance.now();
    worker.start();
    await done;
    await worker.stop(); // waits for pipelined or in-hand confirmed acks
    return performance.now() - t0;
  };
}

interface Mode {
  name: string;
  description: string;
  drain: Drain;
  raw: string;
}

export const RAW_MODES: Record<string, { description: string; drain: Drain }> = {
  'raw consume()+ack()': { description: 'consume() 256 ahead, plain ack', drain: rawConsume(false) },
  'raw consume()+ackAck()': { description: 'consume() 256 ahead, confirmed acks pipelined', drain: rawConsume(true) },
};

export const WORKER_MODES: Mode[] = [
  {
    name: 'PullWorker throughput',
    description: "refill 'consume', batch 256, confirmAcks false",
    drain: viaWorker({ refill: 'consume', batch: 256, confirmAcks: false }),
    raw: 'raw consume()+ack()',
  },
  {
    name: 'PullWorker pipelined',
    description: "refill 'consume', batch 256, confirmAcks 'pipelined' (window 256)",
    drain: viaWorker({ refill: 'consume', batch: 256, confirmAcks: 'pipelined', ackWindow: 256 }),
    raw: 'raw consume()+ackAck()',
  },
  {
    name: 'PullWorker default',
    description: 'the lessons: fetch 10, handle, fetch again; each ack confirmed before the next message',
    drain: viaWorker({}),
    raw: 'raw consume()+ack()',
  },
];

export async function measureWorkerModes(nats: Nats, n: number, size: number, rounds: number): Promise<WorkerModeResult[]> {
  const runs: Record<string, number[]> = {};
  const ratios: Record<string, number[]> = {};
  const names = [...Object.keys(RAW_MODES), ...WORKER_MODES.map((m) => m.name)];
  const drains: Record<string, Drain> = Object.fromEntries([
    ...Object.entries(RAW_MODES).map(([k, v]) => [k, v.drain]),
    ...WORKER_MODES.map((m) => [m.name, m.drain]),
  ]);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? names : [...names].reverse();
    const rate: Record<string, number> = {};
    for (const name of order) {
      await backlog(nats, n, size);
      const ms = await drains[name](nats, n);
      rate[name] = n / (ms / 1000);
      (runs[name] ??= []).push(rate[name]);
    }
    for (const m of WORKER_MODES) (ratios[m.name] ??= []).push(rate[m.name] / rate[m.raw]);
  }
  await deleteStreamIfExists(nats.jsm, STREAM);
  return WORKER_MODES.map((m) => ({
    name: m.name,
    description: m.description,
    rawName: m.raw,
    rate: Math.round(median(runs[m.name])),
    rawRate: Math.round(median(runs[m.raw])),
    ratioToRaw: round(median(ratios[m.name])),
  }));
}

