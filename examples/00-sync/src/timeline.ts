// Turns one synchronous request into a timeline: when each call started, how long it took, how it
// ended, and when the user finally got an answer. The user's wait is the last line.
import type { TimelineEvent } from '@mq/shared';
import type { Shop } from '@mq/shared';
import type { SyncOrderResult } from './create-order';
import { callsFor } from './order-state';

export function requestTimeline(shop: Shop, result: SyncOrderResult): TimelineEvent[] {
  const t0 = result.startedMs;
  const events: TimelineEvent[] = [{ atMs: 0, who: 'user', what: `clicks "Buy" (${result.orderId})` }];
  for (const c of callsFor(shop, result.orderId)) {
    const took = Math.round(c.endedMs - c.startedMs);
    const how = c.outcome === 'ok' ? `ok in ${took} ms` : `ERROR after ${took} ms: ${c.error}`;
    events.push({ atMs: c.startedMs - t0, who: c.service, what: `${c.op} ... ${how}` });
  }
  const answer = result.outcome === 'created' ? 'sees "order created"' : `sees "order failed" (${result.error})`;
  events.push({ atMs: result.latencyMs, who: 'user', what: `${answer} after waiting ${Math.round(result.latencyMs)} ms` });
  return events;
}
