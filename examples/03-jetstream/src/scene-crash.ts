// Scene 4: a worker takes the email and dies before acking. The message comes back after AckWait
// (not before) with delivery count 2, to the real workers this scene starts.
import { connectNats, waitFor } from '@mq/shared';
import { takeOneAndDie } from './crash';
import { deliveryTimeline } from './delivery-log';
import type { SceneContext } from './scene-context';
import { storedCount, TASK_WORKERS } from './setup';
import { startTaskWorker } from './task-workers';

export async function crashBeforeAck(c: SceneContext): Promise<void> {
  const { out, nats, shop, log, t, ackWaitMs } = c;
  out.step(`A worker takes the email and dies before acking; AckWait is ${t.describe('ackWaitMs')}`);
  const t0 = performance.now();
  const doomed = await connectNats(c.svc.url, { name: '03-jetstream doomed worker' });
  const died = await takeOneAndDie(doomed, TASK_WORKERS.send_email.consumer, log);
  const opts = { nakDelayMs: c.nakDelayMs, log };
  c.email = startTaskWorker(nats.js, shop, 'send_email', { ...opts, coin: c.coin, seedStyle: () => c.seedCode.on });
  c.workers.push(
    c.email,
    startTaskWorker(nats.js, shop, 'add_points', opts),
    startTaskWorker(nats.js, shop, 'send_push', opts),
  );
  await waitFor(() => log.forSeq(died.seq).some((d) => d.outcome === 'ack'), { timeoutMs: ackWaitMs + 10_000, what: 'the email to be redelivered and acked' });
  await waitFor(async () => (await storedCount(nats.jsm)) === 0, { timeoutMs: 5_000, what: 'the stream to be empty' });
  out.timeline(deliveryTimeline(log.entries.filter((d) => d.atMs >= t0), t0));
  const redelivered = log.forSeq(died.seq)[1];
  out.ok(`seq ${died.seq} came back ${Math.round(redelivered.atMs - died.atMs)} ms after the crash, delivery #${redelivered.deliveryCount}, and was acked`);
  out.ok('the stream now holds 0 messages: on a work-queue stream the ack is what deletes a message');
}
