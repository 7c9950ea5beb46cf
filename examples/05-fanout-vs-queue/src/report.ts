// Why this file exists: both backends' scenes print the same two things: each receiver's share of a
// burst, and a verdict line for fan-out (each got all) and for the queue (no overlap, none missing).
import type { Cell, Output } from '@mq/shared';
import { groupShare, type Distribution } from './distribution';

export function shareRows(d: Distribution, receivers: string[], total: number): Record<string, Cell>[] {
  return receivers.map((r) => ({ receiver: r, received: d.received[r].length, share: `${Math.round((100 * d.received[r].length) / total)} %` }));
}

export function verdict(out: Output, d: Distribution, fanout: string[], members: string[]): void {
  const n = d.messages.length;
  const fanOk = fanout.every((r) => new Set(d.received[r]).size === n);
  (fanOk ? out.ok : out.bad)(`fan-out: ${fanout.map((r) => `${r} ${d.received[r].length}`).join(', ')} (each got all ${n})`);
  const q = groupShare(d, members);
  const qOk = q.total === n && q.overlap.length === 0 && q.missing.length === 0;
  (qOk ? out.ok : out.bad)(
    `queue: ${members.map((m) => `${m} ${q.perMember[m]}`).join(' + ')} = ${q.total}, ${q.overlap.length ? `overlap ${q.overlap.join(', ')}` : 'no message twice'}, ${q.missing.length ? `missing ${q.missing.join(', ')}` : 'none missing'}`,
  );
}
