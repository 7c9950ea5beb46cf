// What the demo's scenes share: the connection, the output, the timings, the fake downstream
// services with their faults, and the workers started so far (stopped once, at the end).
import type { Nats, Output, PullWorker, Shop } from '@mq/shared';
import type { Refusals } from './handler';

export interface DemoContext {
  nats: Nats;
  out: Output;
  nakDelayMs: number;
  /** How the nak delay relates to the story's (scaled or real). */
  nakDelayNote: string;
  maxDeliveries: number;
  ackWaitMs: number;
  shop: Shop;
  /** The mail relay: refuses one domain until fixed. */
  relay: Refusals<string>;
  /** The push gateway: refuses one user's revoked device token until fixed. */
  apns: Refusals<number>;
  workers: PullWorker[];
}

/** Short text for a table cell. */
export function clip(s: string, n = 58): string {
  return s.length > n ? `${s.slice(0, n - 3)}...` : s;
}
