// Scene 9: "exactly once" examined. The dedup window drops a republish only inside the window; a
// worker that dies after the work and before its ack makes the work happen twice; an idempotent
// handler (tasks done, keyed by Nats-Msg-Id) turns that redelivery into a harmless ack.
import { connectNats, deleteStreamIfExists, makeOrder, waitFor } from '@mq/shared';
import type { JsMsg } from '@nats-io/jetstream';
import { takeOneAndDie } from './crash';
import { deliveryTimeline } from './delivery-log';
import { DEDUP_STREAM, republishUntilStored, setupDedupStream } from './exactly-once';
import { placeOrder } from './publisher';
import type { SceneContext } from './scene-context';
import { TASK_WORKERS } from './setup';
import { startTaskWorker } from './task-workers';
import type { TaskWorker } from './worker';

export async function exactlyOnce(c: SceneContext): Promise<void> {
  const { out, nats } = c;
  const windowMs = c.t.real ? 60_000 : 1_000;
  out.step(`"Exactly once" = dedup window + double ack? The window, shortened to ${windowMs} ms`);
  await setupDedupStream(nats, windowMs);
  try {
    const tries = await republishUntilStored(nats, 'ORD-0200:send_email', windowMs / 4, windowMs * 3);
    out.table(tries.map((r) => ({ 'after ms': Math.round(r.atMs), seq: r.seq, duplicate: r.duplicate })));
    const last = tries.at(-1)!;
    out.ok(`inside the window every retry was dropped (duplicate: true, seq ${tries[0].seq}); after ${Math.round(last.atMs)} ms the same id was stored again as seq ${last.seq}`);
    out.say('The window protects a producer that retries within it, not one that retries later (a restarted batch job).');
  } finally {
    await deleteStreamIfExists(nats.jsm, DEDUP_STREAM);
  }

  out.step('A worker sends the email, then dies before its ack: the email goes out twice');
  await c.email?.stop(); // the crash must get the message first; a fresh worker starts after it
  const before = c.shop.email.applied.length;
  await crashAfterWork(c, 201, () => startTaskWorker(nats.js, c.shop, 'send_email', { nakDelayMs: c.nakDelayMs, log: c.log }));
  const sentTwice = c.shop.email.applied.slice(before);
  out.bad(`emails sent: ${sentTwice.join(', ')}: ackAck confirms an ack the server received; an ack never sent cannot be confirmed`);

  out.step('The same crash, with an idempotent handler (tasks done, kept by Nats-Msg-Id)');
  await c.email?.stop();
  const done = new Set<string>();
  const start = c.shop.email.applied.length;
  const idempotent = () => startTaskWorker(nats.js, c.shop, 'send_email', { nakDelayMs: c.nakDelayMs, log: c.log, done, name: 'email-worker (idempotent)' });
  const redelivery = await crashAfterWork(c, 202, idempotent, done);
  out.ok(`emails sent: ${c.shop.email.applied.slice(start).join(', ')}; delivery #${redelivery.deliveryCount} was acked without sending: ${redelivery.detail}`);
  out.say('Exactly-once processing = at-least-once delivery + dedup on publish + an idempotent handler. The broker gives the first two.');
}

/**
 * With the email worker stopped: publish an order, let a worker do the email and die before
 * acking, then start `worker` and wait for it to ack the redelivery.
 */
async function crashAfterWork(c: SceneContext, n: number, worker: () => TaskWorker, done?: Set<string>) {
  const { nats, shop, log } = c;
  const t0 = performance.now();
  const seq = (await placeOrder({ js: nats.js, shop }, makeOrder(n))).published[0].seq;
  const doomed = await connectNats(c.svc.url, { name: '03-jetstream worker that dies after the work' });
  const work = async (msg: JsMsg) => {
    const orderId = (msg.json() as { orderId: string }).orderId;
    await shop.email.call('send', orderId);
    done?.add(msg.headers?.get('Nats-Msg-Id') ?? '');
  };
  await takeOneAndDie(doomed, TASK_WORKERS.send_email.consumer, log, { work, name: 'email-worker (dies after the work)' });
  c.email = worker();
  c.workers.push(c.email);
  const acked = await waitFor(() => log.forSeq(seq).find((d) => d.outcome === 'ack'), { timeoutMs: c.ackWaitMs + 10_000, what: `seq ${seq} to be redelivered and acked` });
  c.out.timeline(deliveryTimeline(log.forSeq(seq), t0));
  return acked;
}
