// Why this file exists: both halves of the lesson (JetStream and core NATS) end in the same
// question: which receiver got which message? A Distribution answers it, checks the two claims
// (fan-out: everyone gets everything; queue: each message goes to exactly one member) and renders
// the message x receiver table of seed 003 with ✔ / ·.
import type { Cell } from '@mq/shared';

export interface Distribution {
  /** The message numbers published, in order (1..N). */
  messages: number[];
  /** Receiver name -> message numbers it received, in arrival order. */
  received: Record<string, number[]>;
}

export function emptyDistribution(receivers: string[], messages: number[]): Distribution {
  return { messages, received: Object.fromEntries(receivers.map((r) => [r, []])) };
}

export function counts(d: Distribution): Record<string, number> {
  return Object.fromEntries(Object.entries(d.received).map(([r, ms]) => [r, ms.length]));
}

/** How the members of one group shared the messages: overlap (received twice), missing (by nobody), duplicates within a member. */
export interface GroupShare {
  total: number;
  overlap: number[];
  missing: number[];
  perMember: Record<string, number>;
}

export function groupShare(d: Distribution, members: string[]): GroupShare {
  const seen = new Map<number, number>();
  for (const m of members) for (const n of d.received[m] ?? []) seen.set(n, (seen.get(n) ?? 0) + 1);
  return {
    total: members.reduce((sum, m) => sum + (d.received[m]?.length ?? 0), 0),
    overlap: [...seen].filter(([, c]) => c > 1).map(([n]) => n),
    missing: d.messages.filter((n) => !seen.has(n)),
    perMember: Object.fromEntries(members.map((m) => [m, d.received[m]?.length ?? 0])),
  };
}

/** Seed 003's table from a real run: one row per message, ✔ where a receiver got it, then totals. */
export function distributionTable(d: Distribution, receivers: string[] = Object.keys(d.received)): Record<string, Cell>[] {
  const rows: Record<string, Cell>[] = d.messages.map((n) => ({
    message: `Msg ${n}`,
    ...Object.fromEntries(receivers.map((r) => [r, d.received[r]?.includes(n) ? '✔' : '·'])),
  }));
  rows.push({ message: 'total', ...Object.fromEntries(receivers.map((r) => [r, String(d.received[r]?.length ?? 0)])) });
  return rows;
}
