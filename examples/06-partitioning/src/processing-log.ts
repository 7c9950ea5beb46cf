// The evidence of a run: every handler attempt (who, what, when, ack or nak), from which we read
// each user's processing order, how many handlers ran at once, and busy time versus wall time.
import type { OrderEventMsg } from './partitions';

export interface Attempt extends OrderEventMsg {
  delivery: number;
  worker: string;
  startMs: number;
  endMs?: number;
  outcome?: 'ack' | 'nak';
}

export class ProcessingLog {
  readonly attempts: Attempt[] = [];
  private readonly t0 = performance.now();
  private active = 0;
  private peak = 0;

  begin(e: OrderEventMsg, delivery: number, worker: string): Attempt {
    const a: Attempt = { userId: e.userId, orderId: e.orderId, event: e.event, delivery, worker, startMs: this.now() };
    this.attempts.push(a);
    this.active += 1;
    this.peak = Math.max(this.peak, this.active);
    return a;
  }

  end(a: Attempt, outcome: 'ack' | 'nak'): void {
    a.endMs = this.now();
    a.outcome = outcome;
    this.active -= 1;
  }

  /** The most handlers that were running at the same moment. */
  get maxConcurrent(): number {
    return this.peak;
  }

  get acked(): Attempt[] {
    return this.attempts.filter((a) => a.outcome === 'ack').sort((a, b) => a.endMs! - b.endMs!);
  }

  /** What a user's events looked like to the business: the successful ones, in the order they completed. */
  processedOrder(userId: number): string[] {
    return this.acked.filter((a) => a.userId === userId).map(label);
  }

  /**
   * Attempts that started before the user's previous event had been processed: a later event
   * overtaking an earlier one, even if it happened to finish last.
   */
  overtakes(published: OrderEventMsg[]): Attempt[] {
    const doneAt = new Map<string, number>();
    for (const a of this.acked) doneAt.set(label(a), a.endMs!);
    const previous = new Map<string, string>();
    const lastOf = new Map<number, string>();
    for (const e of published) {
      const prev = lastOf.get(e.userId);
      if (prev) previous.set(label(e), prev);
      lastOf.set(e.userId, label(e));
    }
    return this.attempts.filter((a) => {
      const prev = previous.get(label(a));
      if (!prev) return false;
      const prevDone = doneAt.get(prev);
      return prevDone === undefined || a.startMs < prevDone;
    });
  }

  /** Users whose processed order differs from the order their events were published in. */
  outOfOrderUsers(published: OrderEventMsg[]): number[] {
    const users = [...new Set(published.map((e) => e.userId))];
    return users.filter((u) => {
      const expected = published.filter((e) => e.userId === u).map(label);
      return JSON.stringify(this.processedOrder(u)) !== JSON.stringify(expected);
    });
  }

  /** Sum of all handler durations: what one worker doing everything in turn would need at least. */
  get busyMs(): number {
    return this.attempts.reduce((s, a) => s + ((a.endMs ?? a.startMs) - a.startMs), 0);
  }

  /** First start to last end. */
  get wallMs(): number {
    if (this.attempts.length === 0) return 0;
    return Math.max(...this.attempts.map((a) => a.endMs ?? a.startMs)) - Math.min(...this.attempts.map((a) => a.startMs));
  }

  /** When the user's last event finished processing (ms since the log began). */
  finishedAt(userId: number): number {
    return Math.max(...this.acked.filter((a) => a.userId === userId).map((a) => a.endMs!));
  }

  private now(): number {
    return performance.now() - this.t0;
  }
}

/** "U123-O1 paid" style label; the event name alone when there is one order per user. */
export function label(e: Pick<OrderEventMsg, 'orderId' | 'event'>): string {
  return `${e.orderId}:${e.event}`;
}
