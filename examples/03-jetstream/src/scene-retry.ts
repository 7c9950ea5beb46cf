// Scenes 5 and 6: SMTP refuses once (nak with a delay, redelivered no earlier, then acked), and
// SMTP is down (nak, nak, nak, then term on delivery 4; never delivered again).
import { delay, makeOrder, STORY, waitFor } from '@mq/shared';
import { deliveryTimeline } from './delivery-log';
import { placeOrder } from './publisher';
import type { SceneContext } from './scene-context';
import { isStored, STREAM, TASK_WORKERS } from './setup';

export async function nakWithDelay(c: SceneContext): Promise<void> {
  const { out, nats, shop, log, t, nakDelayMs } = c;
  out.step(`SMTP refuses once: the worker naks with a delay of ${t.describe('nakDelayMs')}`);
  const coins = [0, 0.99];
  shop.email.fault = { kind: 'flaky', rate: 0.5, random: () => coins.shift() ?? 0.99 };
  const t0 = performance.now();
  const seq = (await placeOrder({ js: nats.js, shop }, makeOrder(2))).published[0].seq;
  await waitFor(() => log.forSeq(seq).some((d) => d.outcome === 'ack'), { timeoutMs: nakDelayMs + 10_000, what: 'the retry to be acked' });
  out.timeline(deliveryTimeline(log.forSeq(seq), t0));
  const [n1, n2] = log.forSeq(seq);
  const failedMs = Math.round(n1.decidedAtMs! - n1.atMs);
  out.ok(`redelivered ${Math.round(n2.atMs - n1.decidedAtMs!)} ms after the nak (asked for ${nakDelayMs} ms; the failed SMTP attempt itself took ${failedMs} ms), acked on delivery #${n2.deliveryCount}`);
  shop.email.fault = { kind: 'none' };
}

export async function termAfterLastTry(c: SceneContext): Promise<void> {
  const { out, nats, shop, log, ackWaitMs, nakDelayMs } = c;
  out.step(`SMTP is down: after delivery #${STORY.maxDeliver} (NumDelivered > 3) the worker terms it`);
  shop.email.fault = { kind: 'down' };
  const t0 = performance.now();
  const seq = (await placeOrder({ js: nats.js, shop }, makeOrder(3))).published[0].seq;
  await waitFor(() => log.forSeq(seq).some((d) => d.outcome === 'term'), { timeoutMs: STORY.maxDeliver * nakDelayMs + 10_000, what: 'the worker to give up' });
  shop.email.fault = { kind: 'none' };
  const watchMs = Math.max(ackWaitMs, nakDelayMs) + 100;
  await delay(watchMs); // an observation window: would it come back?
  out.timeline(deliveryTimeline(log.forSeq(seq), t0));
  const ci = await nats.jsm.consumers.info(STREAM, TASK_WORKERS.send_email.consumer);
  const after = log.forSeq(seq).length - STORY.maxDeliver;
  const more = after === 0 ? 'no further delivery' : `${after} more deliveries!`;
  (after === 0 ? out.ok : out.bad)(`delivered exactly ${log.forSeq(seq).length} times; watched ${watchMs} ms more with SMTP healthy again: ${more}`);
  const gone = !(await isStored(nats.jsm, seq));
  out.ok(`email-worker owes nothing (ack pending ${ci.num_ack_pending}, pending ${ci.num_pending}) and the stream no longer holds seq ${seq}: ${gone}`);
  out.say('Terminated means dropped here; chapter 07 parks such messages in a dead-letter queue instead.');
}
