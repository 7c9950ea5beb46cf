// What the drill's scenes share: output, sizes and timings, the summary table they add to, and the
// private servers and connections they open (all closed and deleted once, at the end or on Ctrl-C).
import type { Nats, Output } from '@mq/shared';
import type { PrivateNatsServer, PrivateServer } from '@mq/shared/services';

export interface DrillContext {
  out: Output;
  count: number;
  outageMs: number;
  ackWaitMs: number;
  /** Generous: redeliveries wait out AckWait. */
  deadlineMs: number;
  summary: { scene: string; result: string }[];
  servers: PrivateServer[];
  conns: Nats[];
}

export function serverVersion(s: PrivateNatsServer): string {
  return s.log().match(/Version:\s+(\S+)/)?.[1] ?? '';
}
