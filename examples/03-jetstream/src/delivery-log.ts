// Why this file exists: every claim of this lesson is about deliveries (which message, which
// attempt, when it arrived, what the worker decided). The log records exactly that, so the tests
// can assert it with numbers and the demo can print it as a timeline.
import type { JsMsg } from '@nats-io/jetstream';

export type Outcome = 'ack' | 'nak' | 'term' | 'died';

export interface Delivery {
  /** Who received it (a worker name). */
  by: string;
  seq: number;
  subject: string;
  /** JetStream's delivery count: 1 on the first delivery, 2 on the first redelivery, ... */
  deliveryCount: number;
  /** When the worker got it (performance.now()). */
  atMs: number;
  orderId?: string;
  outcome?: Outcome;
  /** When the worker decided the outcome (the ack/nak/term leaves right after). */
  decidedAtMs?: number;
  detail?: string;
}

export class DeliveryLog {
  readonly entries: Delivery[] = [];

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Record a message the moment a worker receives it. */
  received(by: string, msg: JsMsg): Delivery {
    const d: Delivery = { by, seq: msg.seq, subject: msg.subject, deliveryCount: msg.info.deliveryCount, atMs: this.now() };
    this.entries.push(d);
    return d;
  }

  /** Record what the worker decided for a delivery. */
  settle(d: Delivery, outcome: Outcome, detail?: string): void {
    d.outcome = outcome;
    d.decidedAtMs = this.now();
    if (detail) d.detail = detail;
  }

  forSeq(seq: number): Delivery[] {
    return this.entries.filter((d) => d.seq === seq);
  }

  forOrder(orderId: string, subject?: string): Delivery[] {
    return this.entries.filter((d) => d.orderId === orderId && (!subject || d.subject === subject));
  }

  /** The deliveries that have been decided (ack / nak / term / died). */
  decided(outcome: Outcome): Delivery[] {
    return this.entries.filter((d) => d.outcome === outcome);
  }
}

/** Deliveries as timeline rows, relative to `t0` (performance.now() at the start of a scene). */
export function deliveryTimeline(deliveries: Delivery[], t0: number): { atMs: number; who: string; what: string }[] {
  return deliveries.map((d) => ({
    atMs: d.atMs - t0,
    who: d.by,
    what: `seq ${d.seq} ${d.subject}${d.orderId ? ` (${d.orderId})` : ''} delivery #${d.deliveryCount} -> ${d.outcome ?? '?'}${d.detail ? `: ${d.detail}` : ''}`,
  }));
}
