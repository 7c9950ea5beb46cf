// 08-restart-drill, narrated: the story's 03:00 drill on a private nats-server (stop it, crash it,
// bring it back), a worker and a publisher that live through the outage, and the same drill on
// the Redis list the story left behind. Always private servers: this demo kills them.
import { connectNats, createOutput, intFlag, parseFlags, runMain, timings, type Nats } from '@mq/shared';
import { PrivateNatsServer, PrivateRedisServer, type PrivateServer } from '@mq/shared/services';
import type { BrokerState } from './broker-state';
import { ConnectionWatch } from './connection-watch';
import { prepareDrill, runDrill } from './drill';
import { OUTAGE_LABEL, type DownProbe } from './outage';
import { publishersThroughOutage, WITH_MSG_ID, WITHOUT_MSG_ID } from './publisher-outage';
import { redisDrill } from './redis-drill';
import { storeFiles } from './store-files';
import { workerThroughOutage, type WorkerOutageReport } from './worker-outage';

const USAGE = `Usage: pnpm --filter 08-restart-drill start [-- --count N] [--real-timings]

The story's restart drill on a private nats-server (and a private redis-server for the contrast).
  --count N        email tasks in the drill (default 1000, 10..20000)
  --real-timings   the story's 30 s outage and 30 s AckWait instead of the scaled ones`;

const stateRow = (when: string, s: BrokerState) => ({
  when,
  messages: s.messages,
  bytes: s.bytes,
  first_seq: s.firstSeq,
  last_seq: s.lastSeq,
  'consumer pending': s.pending,
  delivered: s.delivered,
  'ack pending': s.ackPending,
});

async function main(): Promise<void> {
  const flags = parseFlags(USAGE, { count: { type: 'string' }, 'real-timings': { type: 'boolean' } });
  const count = intFlag('count', flags.count, 1_000, 10, 20_000);
  const t = timings();
  const outageMs = t.get('brokerOutageMs');
  const ackWaitMs = t.get('ackWaitMs');
  const deadlineMs = 20_000 + 2 * ackWaitMs; // generous: redeliveries wait out AckWait
  const out = createOutput();
  const summary: { scene: string; result: string }[] = [];
  const started = performance.now();

  out.chapter('08-restart-drill', 'The restart drill: stop the broker, crash it, bring it back', '#08-restart-drill');
  out.say(`Outage: ${t.describe('brokerOutageMs')}.`);
  out.say(`AckWait: ${t.describe('ackWaitMs')}.`);

  out.step('A broker this drill owns');
  const server = await PrivateNatsServer.start();
  const extra: PrivateServer[] = [];
  const conns: Nats[] = [];
  try {
    out.say(`NATS: ${server.url} (a private nats-server ${serverVersion(server)} started for this drill, never your local one: the drill stops and SIGKILLs it)`);
    out.say(`store directory: ${server.storeDir}`);
    const nats = await connectNats(server.url, { name: 'drill' });
    conns.push(nats);
    const watch = new ConnectionWatch(nats.nc);

    out.step(`Publish ${count} email tasks, each with a PubAck (seed: nats pub order.email --count 1000)`);
    const setup = await prepareDrill(nats, count, { ackWaitMs });
    out.say('The durable email-worker exists but has consumed nothing yet.');
    out.table([stateRow('after publishing', setup.state)]);

    const redis = await PrivateRedisServer.start();
    extra.push(redis);
    out.say(`Redis: ${redis.url} (a private redis-server with persistence off, as the story ran it in chapter 02)`);
    for (const mode of ['stop', 'kill'] as const) {
      out.step(`${mode === 'stop' ? 'Stop' : 'Crash'} both brokers: ${OUTAGE_LABEL[mode]}, ${outageMs} ms down, restart`);
      out.say(`NATS restarts on the same store; the Redis list next to it gets the same treatment with ${count} tasks.`);
      const [r, rd] = await Promise.all([runDrill(server, nats, watch, { mode, outageMs }), redisDrill(redis, { count, mode, outageMs })]);
      out.table([stateRow('NATS before', r.before), stateRow('NATS after restart', r.after)]);
      const seen = (p: DownProbe, port: number) => `process ${p.running ? 'STILL RUNNING' : 'gone'}, port ${port} ${p.accepting ? 'STILL ACCEPTING' : 'refusing'} connections`;
      out.say(`checked just before the restart: NATS ${seen(r.outage.probe, server.port)}; Redis ${seen(rd.outage.probe, redis.port)}`);
      out.say(`NATS was down ${Math.round(r.outage.readyAt - r.outage.downAt)} ms; restart took ${Math.round(r.outage.readyAt - r.outage.restartRequestedAt)} ms; the client reconnected by itself ${Math.max(0, Math.round(r.reconnectedAt - r.outage.readyAt))} ms after the server was ready`);
      const same = JSON.stringify(r.after) === JSON.stringify(r.before);
      (same ? out.ok : out.bad)(`NATS: ${r.after.messages} of ${count} messages back, consumer pending ${r.after.pending}, delivered ${r.after.delivered}`);
      (rd.after === rd.before ? out.ok : out.bad)(`Redis: LLEN task:email was ${rd.before}, after the restart it is ${rd.after}`);
      const how = mode === 'stop' ? 'graceful stop' : 'SIGKILL';
      summary.push({ scene: `NATS, ${how}`, result: `${r.after.messages} of ${count} messages, consumer pending ${r.after.pending}` });
      summary.push({ scene: `Redis list, ${how}`, result: `${rd.after} of ${rd.before} tasks` });
    }
    out.say('What is on disk (no wal/ directory: messages go straight into block files):');
    for (const f of storeFiles(server.storeDir, setup.stream)) out.say(`  ${f}`);

    const outageDuring = setup.ids[Math.floor(count * 0.3) - 1];
    out.step(`The email worker keeps running while its broker goes down under it (at ${outageDuring})`);
    out.say('Two scenes side by side: this broker is stopped gracefully; a twin broker with the same 1000 tasks is SIGKILLed.');
    out.say('Nobody restarts either worker: the connection reconnects by itself and the PullWorker fetches again.');
    const workerConn = await connectNats(server.url, { name: 'email-worker' });
    const twin = await PrivateNatsServer.start();
    extra.push(twin);
    const twinNats = await connectNats(twin.url, { name: 'drill' });
    const twinWorker = await connectNats(twin.url, { name: 'email-worker' });
    conns.push(workerConn, twinNats, twinWorker);
    const twinSetup = await prepareDrill(twinNats, count, { ackWaitMs });
    const [graceful, crash] = await Promise.all([
      workerThroughOutage({ server, workerNc: workerConn.nc, jsm: nats.jsm, stream: setup.stream, ids: setup.ids, outageDuring, mode: 'stop', outageMs, deadlineMs }),
      workerThroughOutage({ server: twin, workerNc: twinWorker.nc, jsm: twinNats.jsm, stream: twinSetup.stream, ids: twinSetup.ids, outageDuring, mode: 'kill', outageMs, deadlineMs }),
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
      (r.ledger.distinct === count ? out.ok : out.bad)(`${r.mode === 'stop' ? 'graceful stop' : 'SIGKILL'}: ${r.ledger.distinct} of ${count} emails sent, each exactly once, by a worker nobody restarted`);
    }
    out.say(
      `Honest finding (nats-server ${serverVersion(twin)}): the crash lost the most recent consumer acks and stream deletions,\n` +
        `which were still only in memory: ${crash.ledger.repeats().length} orders whose email had gone out were delivered again (the ledger\n` +
        `skipped them), and ${crash.after.messages} acknowledged messages reappeared in the work-queue stream, below the consumer's ack floor,\n` +
        'where no consumer will take them. Nothing unacknowledged was lost. At-least-once means exactly this: dedupe by id.',
    );
    summary.push({ scene: 'worker through a graceful stop', result: `${graceful.ledger.distinct} of ${count} emails, ${graceful.ledger.repeats().length} repeat skipped` });
    summary.push({ scene: 'worker through a SIGKILL', result: `${crash.ledger.distinct} of ${count} emails, ${crash.ledger.repeats().length} repeats skipped, ${crash.after.messages} acked reappeared` });

    out.step('Two shops publish through an outage; the PubAck of ORD-0100 is lost as the broker stops');
    const pubServer = await PrivateNatsServer.start();
    extra.push(pubServer);
    const shop = await connectNats(pubServer.url, { name: 'shop' });
    conns.push(shop);
    const pubCount = 150;
    const pubs = await publishersThroughOutage({ server: pubServer, nc: shop.nc, jsm: shop.jsm, count: pubCount, lostAckAt: 100, mode: 'stop', outageMs, variants: [WITH_MSG_ID, WITHOUT_MSG_ID] });
    out.table(
      pubs.map((p) => ({
        shop: p.variant.label,
        'ORD-0100 attempts': p.lostAck.attempts,
        'ORD-0100 failures': countRuns(p.lostAck.failures),
        'final PubAck': `seq ${p.lostAck.seq}${p.lostAck.duplicate ? ' (duplicate)' : ''}`,
        stored: p.stored.length,
        distinct: new Set(p.stored).size,
      })),
    );
    for (const p of pubs) {
      const clean = p.stored.length === pubCount && p.duplicates.size === 0;
      (clean ? out.ok : out.bad)(`${p.variant.stream}: ${p.stored.length} stored for ${pubCount} orders${p.duplicates.size ? ` (${[...p.duplicates].map(([id, n]) => `${id} x${n}`).join(', ')})` : ''}`);
      summary.push({ scene: `publisher ${p.variant.label}`, result: `${p.stored.length} stored for ${pubCount} orders` });
    }
    out.say('The broker rebuilt its duplicate window from disk on restart, so the same Nats-Msg-Id was recognised after the outage.');

    out.step('Summary');
    out.table(summary);
    out.say(`Whole drill: ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  } finally {
    await Promise.allSettled(conns.map((c) => c.close()));
    await Promise.allSettled([server, ...extra].map((s) => s.dispose()));
  }
}

/** "PubAck lost, TimeoutError x3" instead of the same word three times. */
function countRuns(items: string[]): string {
  const runs: { item: string; n: number }[] = [];
  for (const item of items) {
    const last = runs[runs.length - 1];
    if (last?.item === item) last.n += 1;
    else runs.push({ item, n: 1 });
  }
  return runs.map((r) => (r.n > 1 ? `${r.item} x${r.n}` : r.item)).join(', ');
}

function serverVersion(s: PrivateNatsServer): string {
  return s.log().match(/Version:\s+(\S+)/)?.[1] ?? '';
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

runMain(main);
