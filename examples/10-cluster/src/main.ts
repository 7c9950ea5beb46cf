// 10-cluster, narrated: the story's "100x" chapter on a private three-node JetStream cluster.
// ORDERS gets 3 replicas; the stream leader is SIGKILLed while the shop publishes and the email
// worker consumes; a checker then proves that no acknowledged order was lost. Always a private
// cluster: this demo kills one of its nodes.
import { cleanupOnExit, createOutput, intFlag, parseFlags, runMain, timings, UsageError } from '@mq/shared';
import { PrivateNatsCluster } from '@mq/shared/services';
import { runFailover } from './failover';
import { privateServerVersion } from './server-version';

const USAGE = `Usage: pnpm --filter 10-cluster start [-- --orders N] [--lanes N] [--real-timings]

A three-node JetStream cluster of private nats-server processes; the ORDERS stream leader is killed mid-stream.
  --orders N       orders to publish (default 400, 20..5000)
  --lanes N        publishes in flight at once (default 8, 1..64, at most half of --orders)
  --real-timings   the story's 30 s AckWait for the email-worker instead of the scaled 1 s`;

async function main(): Promise<void> {
  const flags = parseFlags(USAGE, { orders: { type: 'string' }, lanes: { type: 'string' }, 'real-timings': { type: 'boolean' } });
  const total = intFlag('orders', flags.orders, 400, 20, 5_000);
  const lanes = intFlag('lanes', flags.lanes, 8, 1, 64);
  // The kill comes at 40% of the PubAcks; the other lanes' orders must not be all there is left.
  if (lanes > total / 2) throw new UsageError(`--lanes must be at most half of --orders (${Math.floor(total / 2)}), got ${lanes}\n\n${USAGE}`);
  const t = timings();
  const out = createOutput();
  const started = performance.now();

  out.chapter('10-cluster', 'Three nodes, kill the leader, lose no acknowledged order', '#10-cluster');

  out.step('Start a private three-node JetStream cluster');
  const cluster = await PrivateNatsCluster.start({ size: 3, name: 'C' });
  const done = cleanupOnExit(() => cluster.dispose()); // Ctrl-C too: stop the three nodes and delete their stores
  try {
    const version = privateServerVersion()?.text ?? '?';
    out.say(`NATS: a private ${cluster.nodes.length}-node cluster "${cluster.name}" of nats-server ${version}, started for this lesson`);
    out.say('(never your local server: a node gets SIGKILLed)');
    out.table(cluster.nodes.map((n) => ({ node: n.name, client: n.url, 'cluster port': n.clusterPort, monitor: `http://127.0.0.1:${n.monitorPort}/jsz`, store: n.server.storeDir })));
    const metaStart = performance.now();
    const meta = await cluster.waitForMetaLeader();
    out.ok(`JetStream meta leader elected: ${meta} (${Math.round(performance.now() - metaStart)} ms after the nodes were up)`);

    out.step(`ORDERS with 3 replicas; the shop publishes ${total} orders while the email worker consumes; the stream leader is SIGKILLed`);
    out.say('Shop and worker are both connected to the leader first, with all three URLs to fall back on.');
    out.say('Running the scene (most of its time is the Raft election after the kill)...');
    const r = await runFailover(cluster, { total, lanes, killAfter: Math.floor(total * 0.4), ackWaitMs: t.get('ackWaitMs') });
    out.timeline(r.timeline);

    out.step('The checker (Jepsen style: every attempt is ok, failed or unknown)');
    out.table([
      { outcome: 'ok', attempts: r.verdict.attempts.ok, meaning: 'PubAck received: the cluster promised to keep it' },
      { outcome: 'failed', attempts: r.verdict.attempts.failed, meaning: 'definitely not stored (no stream leader answered)' },
      { outcome: 'unknown', attempts: r.verdict.attempts.unknown, meaning: 'timed out: may or may not have landed' },
    ]);
    out.say(`${r.inFlightAtKill} publishes were in flight at the kill; ${r.verdict.attempts.unknown} attempts in all ended "unknown". Every order was retried`);
    out.say(`with its Nats-Msg-Id until acked; for ${r.verdict.unknownLanded} of the unknown ones the retry was answered "duplicate" (it had landed after all).`);
    out.table([
      { check: 'acknowledged orders', value: r.verdict.acked },
      { check: 'stored in ORDERS after the failover', value: r.stored.length },
      { check: 'acknowledged but missing (lost)', value: r.verdict.lostAcked.length },
      { check: 'stored twice', value: r.verdict.duplicatesInStream.length },
      { check: '"failed" attempts that were stored anyway', value: r.verdict.failedButStored.length },
    ]);
    (r.verdict.valid ? out.ok : out.bad)(`${r.verdict.lostAcked.length} acknowledged orders lost, ${r.verdict.duplicatesInStream.length} duplicates: ${r.verdict.valid ? 'valid' : 'INVALID'}`);
    out.say(`failover as the shop saw it: first PubAck ${r.firstAckAfterKillMs} ms after the kill; the observer saw leader ${r.newLeader} after ${r.electionMs} ms`);

    out.step('The consumer continued');
    const acked = new Set(r.history.filter((a) => a.outcome === 'ok').map((a) => a.id));
    const processed = new Set(r.worker.processedIds);
    const missed = [...acked].filter((id) => !processed.has(id)).length;
    out.table([{ processed: processed.size, 'after the kill': r.worker.processedAfterKill, redeliveries: r.worker.repeats, 'errors ridden through': r.worker.errors, 'acked but not processed': missed }]);
    (missed === 0 ? out.ok : out.bad)(`the email worker processed every acknowledged order; nobody restarted it`);
    const back = r.worker.confirmedThenRedelivered;
    const some = back.length ? `: ${back.slice(0, 5).join(', ')}${back.length > 5 ? ', ...' : ''} (among the redeliveries above)` : '';
    out.say(`acks the cluster had confirmed, delivered again after the kill (nats-server ${version}): ${back.length}${some}`);

    out.step(`The killed node ${r.killed} came back and caught up`);
    out.table(r.replicasAfter.map((p) => ({ replica: p.name, current: p.current, lag: p.lag ?? 0, 'last seen (ms ago)': Math.round(p.active / 1e6) })));
    out.say(`${r.killed}'s own /jsz reports ORDERS with ${r.restartedNodeMessages} messages (stream has ${r.stored.length}); caught up ${r.caughtUpMs} ms after its restart`);
    const rejoined = r.replicasAfter.find((p) => p.name === r.killed);
    (rejoined?.current && !rejoined.lag ? out.ok : out.bad)(`${r.killed} is a current replica again, lag 0`);

    out.say(`Whole scene: ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  } finally {
    await done();
  }
}

runMain(main);
