// The watcher: every sampleMs it reads the consumer and the stream through the client API, adds
// the workers' own two numbers, and feeds the sample to the alert board. One consumer-info
// request per sample is all it costs the server.
import type { JetStreamManager } from '@nats-io/jetstream';
import { AlertBoard, type Sample, type Transition } from './alerts';
import type { Thresholds } from './thresholds';
import type { WorkerMetrics } from './worker-metrics';

// #region look-sample
/** One look at a JetStream queue: what the server knows, plus what only the workers know. */
export async function sampleQueue(
  jsm: JetStreamManager,
  stream: string,
  consumer: string,
  workers: WorkerMetrics,
  clock: () => number,
): Promise<Sample> {
  const [ci, si] = await Promise.all([jsm.consumers.info(stream, consumer), jsm.streams.info(stream)]);
  return {
    atMs: clock(), //                       stamped when the answer is in, as the workers' numbers are read
    pending: ci.num_pending, //             published, not yet delivered to anyone: the backlog
    ackPending: ci.num_ack_pending, //      delivered, not yet acked: work in hand (or lost with a dead worker)
    redelivered: ci.num_redelivered, //     of those in hand, how many were handed out more than once
    ackFloor: ci.ack_floor.stream_seq, //   every message up to here is done; a stuck floor = one stuck message
    streamBytes: si.state.bytes, //         what the stream holds on disk, against its max_bytes
    latencyMs: workers.latencyMs, //        the workers' median handling time (the server cannot see it)
    retries: workers.retries, //            the most retries of one message still queued
  };
}
// #endregion look-sample

export class QueueMonitor {
  readonly samples: Sample[] = [];
  readonly board: AlertBoard;
  private running = false;
  private loop?: Promise<void>;
  private readonly t0 = performance.now();

  constructor(
    private readonly o: {
      jsm: JetStreamManager;
      stream: string;
      consumer: string;
      workers: WorkerMetrics;
      thresholds: Thresholds;
      sampleMs: number;
      onTransition?: (t: Transition, s: Sample) => void;
    },
  ) {
    this.board = new AlertBoard(o.thresholds);
  }

  /** ms since the monitor started: the time axis of samples and transitions. */
  now(): number {
    return performance.now() - this.t0;
  }

  start(): this {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const started = performance.now();
        const s = await sampleQueue(this.o.jsm, this.o.stream, this.o.consumer, this.o.workers, () => this.now());
        this.samples.push(s);
        for (const t of this.board.evaluate(s)) this.o.onTransition?.(t, s);
        await new Promise((r) => setTimeout(r, Math.max(0, this.o.sampleMs - (performance.now() - started))));
      }
    })();
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
