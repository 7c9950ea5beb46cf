// The shop publishing orders while the cluster loses its stream leader. Several lanes publish at
// once (so some publishes are in flight when the leader dies); each order is retried with the
// same Nats-Msg-Id until it gets a PubAck, and every attempt goes into the history for the checker.
import { jetstream, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { delay, emailTask, makeOrder } from '@mq/shared';
import { classify, type PublishAttempt } from './history';

export interface FailoverPublisherOptions {
  nc: NatsConnection;
  subject: string;
  /** Orders 1..total. */
  total: number;
  /** Publishes in flight at once. */
  lanes: number;
  /** PubAck timeout per attempt, ms. */
  timeoutMs: number;
  /** Pause before retrying a failed or unknown attempt, ms. */
  retryMs: number;
  /** Give up on an order after this long (ms); the history then shows it without an ok. */
  orderDeadlineMs?: number;
  /** Time origin for the history (performance.now() value). */
  t0: number;
  /**
   * Called synchronously each time an order gets its PubAck, with the number of acked orders so
   * far, before that lane sends its next order. A fault scheduled from here lands at that point
   * of the run however slow the event loop is (a timer polling the count may come too late).
   */
  onAck?: (ackedOrders: number) => void;
}

export class FailoverPublisher {
  readonly history: PublishAttempt[] = [];
  private inflight = 0;
  private acked = 0;
  private next = 1;
  private readonly js: JetStreamClient;

  constructor(private readonly opts: FailoverPublisherOptions) {
    this.js = jetstream(opts.nc, { timeout: opts.timeoutMs });
  }

  /** Publishes currently waiting for their PubAck. */
  get inFlight(): number {
    return this.inflight;
  }

  /** Orders that have their PubAck. */
  get ackedOrders(): number {
    return this.acked;
  }

  /** Publish all orders; resolves when every order has a PubAck (or ran out of time). */
  async run(): Promise<void> {
    await Promise.all(Array.from({ length: this.opts.lanes }, () => this.lane()));
  }

  private now(): number {
    return performance.now() - this.opts.t0;
  }

  private async lane(): Promise<void> {
    while (this.next <= this.opts.total) {
      const order = makeOrder(this.next++);
      await this.publishUntilAcked(order.id, JSON.stringify(emailTask(order)));
    }
  }

  private async publishUntilAcked(id: string, payload: string): Promise<void> {
    const deadline = this.now() + (this.opts.orderDeadlineMs ?? 30_000);
    for (let attempt = 1; ; attempt++) {
      const invokedAt = this.now();
      this.inflight += 1;
      let ack: PubAck | undefined;
      try {
        ack = await this.js.publish(this.opts.subject, payload, { msgID: id });
        this.history.push({ id, attempt, invokedAt, completedAt: this.now(), outcome: 'ok', seq: ack.seq, duplicate: ack.duplicate });
      } catch (err) {
        this.history.push({ id, attempt, invokedAt, completedAt: this.now(), outcome: classify(err), error: (err as Error).name });
      } finally {
        this.inflight -= 1;
      }
      if (ack) {
        this.acked += 1;
        this.opts.onAck?.(this.acked);
        return;
      }
      if (this.now() > deadline) return;
      await delay(this.opts.retryMs); // the shop's retry interval
    }
  }
}
