// How the demo words what it measured: rounding, thousands, and one line per worker event.
import type { QueueEvent } from './worker';

export const r0 = (n: number) => Math.round(n);
export const fmt = (n: number) => n.toLocaleString('en-US');

export function rowCounts(c: { inserted: number; updated: number; hotUpdated: number; deadRows: number }) {
  return { inserted: c.inserted, updated: c.updated, hot_updates: c.hotUpdated, dead_rows: c.deadRows };
}

export function describeEvent(e: QueueEvent): string {
  switch (e.type) {
    case 'claimed':
      return `claimed task ${e.taskId}`;
    case 'completed':
      return `completed task ${e.taskId}`;
    case 'retry':
      return `attempt failed (${e.error}); retry_count -> ${e.retryCount}, back to pending after backoff`;
    case 'failed':
      return `attempt failed (${e.error}); retry limit reached -> 'failed'`;
    case 'lease-lost':
      return `task ${e.taskId}: lease lost, completion refused`;
    case 'heartbeat-refused':
      return `task ${e.taskId}: lease already taken over, extension refused`;
    case 'reclaimed':
      return `lease expired: task ${e.taskIds.join(', ')} back to pending, in its old place`;
  }
}
