// The two numbers only the workers know. The server counts messages (pending, ack pending,
// redelivered), but not how long handling took, nor how often ONE message has failed:
// num_redelivered counts messages redelivered at least once, so a message failing for the
// tenth time still adds just 1 to it. The workers keep both, and the monitor samples them.
import type { WorkerEvent } from '@mq/shared';
import type { JsMsg } from '@nats-io/jetstream';
import { LATENCY_WINDOW } from './thresholds';

export class WorkerMetrics {
  private readonly recent: number[] = [];
  private readonly retriesBySeq = new Map<number, number>();
  handled = 0;
  /** Watchers (the scripted load follows the poison message with these). */
  onDelivery?: (msg: JsMsg) => void;
  onTerm?: (seq: number) => void;

  /**
   * Median handling time of the last LATENCY_WINDOW messages (0 before the first). The median, not
   * the mean: one call that stalls for a second (a GC pause, a busy machine) would drag a mean of
   * ten past 100 ms and page someone; the median moves only when most calls are slow.
   */
  get latencyMs(): number {
    if (this.recent.length === 0) return 0;
    const s = [...this.recent].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  }

  /** The most retries any message still in the queue has had. */
  get retries(): number {
    return Math.max(0, ...this.retriesBySeq.values());
  }

  delivered(msg: JsMsg): void {
    this.retriesBySeq.set(msg.seq, msg.info.deliveryCount - 1);
    this.onDelivery?.(msg);
  }

  handledIn(ms: number): void {
    this.handled += 1;
    this.recent.push(ms);
    if (this.recent.length > LATENCY_WINDOW) this.recent.shift();
  }

  /** PullWorker's onEvent: a message that is acked or terminated has left the queue. */
  onEvent = (e: WorkerEvent): void => {
    if (e.type === 'ack' || e.type === 'term') this.retriesBySeq.delete(e.seq);
    if (e.type === 'term') this.onTerm?.(e.seq);
  };
}
