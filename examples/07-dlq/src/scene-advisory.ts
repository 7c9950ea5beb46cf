// (b) The server as a safety net: a worker with no dead-letter code is cut off after max_deliver;
// the server's MAX_DELIVERIES advisory (kept in a stream) lets a watcher dead-letter the message.
import { makeOrder, publishJson, pushTask, waitFor } from '@mq/shared';
import { startAdvisoryWatcher, WATCHER_CONSUMER, type WatcherOutcome } from './advisory-watcher';
import { listDeadLetters } from './dead-letter';
import type { DemoContext } from './demo-context';
import { dlqRow } from './scene-business-dlq';
import { MAX_DELIVERIES_STREAM, maxDeliveriesAdvisorySubject, ORDERS_STREAM, scope, SUBJECTS } from './setup';
import { PUSH_WORKER, startPushWorker } from './worker';

export async function sceneAdvisory(ctx: DemoContext): Promise<void> {
  const { nats, out, maxDeliveries, nakDelayMs } = ctx;
  const { js, jsm } = nats;
  out.step(`(b) The server as a safety net: a push worker with NO dead-letter code, consumer max_deliver ${maxDeliveries}`);
  const push = await startPushWorker({ ...nats, ...ctx, push: ctx.shop.push, maxDeliver: maxDeliveries });
  ctx.workers.push(push.worker);
  const revoked = makeOrder(7, { userId: 1003 });
  const pushGood = [8, 9, 10].map((n) => makeOrder(n, { userId: 1000 + n }));
  out.say(`publishing a push for ${revoked.id} (user 1003, whose device token was revoked), then ${pushGood.map((o) => o.id).join(', ')}`);
  const revokedAck = await publishJson(js, SUBJECTS.push, pushTask(revoked));
  for (const o of pushGood) await publishJson(js, SUBJECTS.push, pushTask(o));
  await waitFor(async () => (await jsm.streams.info(MAX_DELIVERIES_STREAM)).state.messages === 1, {
    timeoutMs: maxDeliveries * nakDelayMs + 30_000,
    what: 'the MAX_DELIVERIES advisory',
  });
  const zombie = await jsm.streams.getMessage(ORDERS_STREAM, { seq: revokedAck.seq });
  const info = await jsm.consumers.info(ORDERS_STREAM, PUSH_WORKER);
  const times = push.seen.filter((s) => s.key === revoked.id).length;
  out.say(`handler saw ${revoked.id} ${times} times; then the server published ${maxDeliveriesAdvisorySubject(ORDERS_STREAM, PUSH_WORKER)}`);
  out.bad(`ORDERS still holds it (seq ${revokedAck.seq}: ${zombie ? 'present' : 'gone'}) while push-worker has ${info.num_pending} pending, ` +
    `${info.num_ack_pending} unacked: on a work-queue stream it would sit there until max_age, delivered to no one`);

  const watched: WatcherOutcome[] = [];
  ctx.workers.push(await startAdvisoryWatcher({ js, jsm, onOutcome: (o) => watched.push(o) }));
  await waitFor(() => watched.length === 1, { what: 'the watcher to handle the advisory' });
  const w = watched[0];
  const deleted = w.kind === 'dead-lettered' && w.deletedOriginal ? ', deleted the stranded original' : '';
  out.ok(`${WATCHER_CONSUMER} (advisories kept in ${scope.label('ORDERS_MAX_DELIVERIES')}): ` +
    `fetched seq ${w.advisory.stream_seq} by sequence, dead-lettered it${deleted}`);
  out.say('The server cannot say WHY it failed; the business layer (a) can. Use both: (a) for the errors your code sees,');
  out.say('(b) for the ones it never gets to report (a hang past AckWait, a crash).');
  out.table((await listDeadLetters(jsm)).map(dlqRow));
}
