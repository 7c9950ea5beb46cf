// The email worker on the replicated stream: the shared PullWorker on the durable email-worker
// (replicated like its stream), recording when each order id was processed, so the scene can
// show that processing went on after the failover and that every acknowledged order was handled.
import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { PullWorker, type WorkerEvent } from '@mq/shared';

export const EMAIL_WORKER = 'email-worker';

export class EmailWorker {
  /** Order id -> ms (since t0) when it was first processed. */
  readonly firstProcessed = new Map<string, number>();
  repeats = 0;
  /** Stream sequences whose ack the server confirmed (ackAck answered). */
  readonly confirmed = new Set<number>();
  /** Order ids delivered again although the server had confirmed their ack: what a confirmed ack did not prevent. */
  readonly confirmedThenRedelivered: string[] = [];
  errors: { at: number; error: string }[] = [];
  private readonly worker: PullWorker;

  constructor(nc: NatsConnection, stream: string, private readonly t0: number) {
    this.worker = new PullWorker({
      // A short API timeout: a request sent while the connection is being re-established is lost and only fails at its timeout.
      js: jetstream(nc, { timeout: 1_000 }),
      stream,
      consumer: EMAIL_WORKER,
      batch: 50,
      backoff: { initialMs: 100, maxMs: 500 },
      onEvent: (e: WorkerEvent) => {
        // Fetches that failed and acks the server never confirmed (it redelivers those): both are ridden through.
        if (e.type === 'fetch-error' || e.type === 'ack-error') this.errors.push({ at: performance.now() - this.t0, error: e.error });
        if (e.type === 'ack') this.confirmed.add(e.seq); // the PullWorker confirms acks (ackAck) before it reports them
      },
      handler: (msg) => {
        const id = msg.headers?.get('Nats-Msg-Id') ?? '';
        if (this.confirmed.has(msg.seq)) this.confirmedThenRedelivered.push(id);
        if (this.firstProcessed.has(id)) this.repeats += 1;
        else this.firstProcessed.set(id, performance.now() - this.t0);
      },
    });
  }

  start(): this {
    this.worker.start();
    return this;
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }

  /** Orders first processed after `atMs` (since t0). */
  processedAfter(atMs: number): number {
    let n = 0;
    for (const t of this.firstProcessed.values()) if (t > atMs) n += 1;
    return n;
  }
}
