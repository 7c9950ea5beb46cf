// The email worker keeps running while its broker goes down under it: one broker stopped
// gracefully, a twin SIGKILLed, nobody restarting either worker.
import { connectNats } from '@mq/shared';
import { PrivateNatsServer } from '@mq/shared/services';
import { serverVersion, type DrillContext } from './drill-context';
import { prepareDrill, type DrillSetup } from './drill';
import { workerThroughOutage, type WorkerOutageReport } from './worker-outage';

export async function sceneWorkerOutage(ctx: DrillContext, server: PrivateNatsServer, setup: DrillSetup): Promise<void> {
  const { out, count, outageMs, deadlineMs } = ctx;
  const outageDuring = setup.ids[Math.floor(count * 0.3) - 1];
  out.step(`The email worker keeps running while its broker goes down under it (at ${outageDuring})`);
  out.say(`Two scenes side by side: this broker is stopped gracefully; a twin broker with the same ${count} tasks is SIGKILLed.`);
  out.say('Nobody restarts either worker: the connection reconnects by itself and the PullWorker fetches again.');
  const nats = await connectNats(server.url, { name: 'drill' });
  const workerConn = await connectNats(server.url, { name: 'email-worker' });
  const twin = await PrivateNatsServer.start();
  ctx.servers.push(twin);
  const twinNats = await connectNats(twin.url, { name: 'drill' });
  const twinWorker = await connectNats(twin.url, { name: 'email-worker' });
  ctx.conns.push(nats, workerConn, twinNats, twinWorker);
  const twinSetup = await prepareDrill(twinNats, count, { ackWaitMs: ctx.ackWaitMs });
  const common = { outageDuring, outageMs, deadlineMs };
  const [graceful, crash] = await Promise.all([
    workerThroughOutage({ ...common, server, workerNc: workerConn.nc, jsm: nats.jsm, stream: setup.stream, ids: setup.ids, mode: 'stop' }),
    workerThroughOutage({ ...common, server: twin, workerNc: twinWorker.nc, jsm: twinNats.jsm, stream: twinSetup.stream, ids: twinSetup.ids, mode: 'kill' }),
  ]);
  out.say('');
  out.say('Graceful stop:');
  out.timeline(graceful.timeline);
  out.say('');
  out.say('SIGKILL (twin broker):');
  out.timeline(crash.timeline);
  out.say('');
  out.table([workerRow('graceful stop', graceful), workerRow('SIGKILL', crash)]);
  out.say('reconnect = server ready -> worker connection back; drain = server ready -> every email sent;');
  out.say('left in stream = messages the work-queue stream still lists once the consumer has nothing pending');
  for (const r of [graceful, crash]) {
    const how = r.mode === 'stop' ? 'graceful stop' : 'SIGKILL';
    (r.ledger.distinct === count ? out.ok : out.bad)(`${how}: ${r.ledger.distinct} of ${count} emails sent, each exactly once, by a worker nobody restarted`);
  }
  out.say(
    `Honest finding (nats-server ${serverVersion(twin)}): the crash lost the most recent consumer acks and stream deletions,\n` +
      `which were still only in memory: ${crash.ledger.repeats().length} orders whose email had gone out were delivered again (the ledger\n` +
      `skipped them), and ${crash.after.messages} acknowledged messages reappeared in the work-queue stream, below the consumer's ack floor,\n` +
      'where no consumer will take them. Nothing unacknowledged was lost. At-least-once means exactly this: dedupe by id.',
  );
  const graceRepeats = graceful.ledger.repeats().length;
  const crashRepeats = crash.ledger.repeats().length;
  ctx.summary.push({ scene: 'worker through a graceful stop', result: `${graceful.ledger.distinct} of ${count} emails, ${graceRepeats} repeat skipped` });
  ctx.summary.push({
    scene: 'worker through a SIGKILL',
    result: `${crash.ledger.distinct} of ${count} emails, ${crashRepeats} repeats skipped, ${crash.after.messages} acked reappeared`,
  });
}

function workerRow(scene: string, r: WorkerOutageReport) {
  return {
    scene,
    'sent before outage': r.sentBeforeOutage,
    'emails sent': r.ledger.distinct,
    deliveries: r.ledger.totalDeliveries,
    'repeats skipped': r.ledger.repeats().length,
    'errors ridden through': r.workerErrors,
    'reconnect ms': r.reconnectMs,
    'drain ms': r.drainMs,
    'left in stream': r.after.messages,
  };
}
