// Turning a ProcessingLog into what the learner reads: timelines, per-partition tables, and the
// small number formats the scenes share.
import type { Output } from '@mq/shared';
import type { ProcessingLog } from './processing-log';

export const ms = (n: number): number => Math.round(n);
export const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
/** "U123-O1:paid" -> "paid". */
export const eventName = (label: string): string => label.split(':')[1];

export function timelineOf(log: ProcessingLog): Parameters<Output['timeline']>[0] {
  const t0 = Math.min(...log.attempts.map((a) => a.startMs));
  return log.attempts.flatMap((a) => [
    { atMs: a.startMs - t0, who: a.worker, what: `starts user ${a.userId} ${a.event}` },
    { atMs: a.endMs! - t0, who: a.worker, what: `${a.outcome === 'ack' ? 'done ✔' : "failed, nak'd"} user ${a.userId} ${a.event}` },
  ]);
}

export function partitionTable(log: ProcessingLog, partitions: number) {
  const t0 = Math.min(...log.attempts.map((a) => a.startMs));
  return Array.from({ length: partitions }, (_, p) => {
    const mine = log.attempts.filter((a) => a.userId % partitions === p);
    return {
      partition: p,
      users: new Set(mine.map((a) => a.userId)).size,
      attempts: mine.length,
      naks: mine.filter((a) => a.outcome === 'nak').length,
      'busy ms': ms(mine.reduce((s, a) => s + a.endMs! - a.startMs, 0)),
      'first start ms': ms(Math.min(...mine.map((a) => a.startMs)) - t0),
      'done at ms': ms(Math.max(...mine.map((a) => a.endMs!)) - t0),
    };
  });
}
