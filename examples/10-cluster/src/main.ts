// 10-cluster, narrated: the story's "100x" chapter on a private three-node JetStream cluster.
// ORDERS gets 3 replicas; the stream leader is SIGKILLed while the shop publishes and the email
// worker consumes; a checker then proves that no acknowledged order was lost. Always a private
// cluster: this demo kills one of its nodes.
import { cleanupOnExit, createOutput, intFlag, parseFlags, runMain, timings, UsageError } from '@mq/shared';
import { PrivateNatsCluster } from '@mq/shared/services';
import { runFailover } from './failover';
import { printCatchUp, printConsumer, printVerdict } from './report';
import { natsBinaryVersion } from '@mq/shared/services';

const USAGE = `Usage: pnpm --filter 10-cluster start [-- --orders N] [--lanes N] [--real-timings]

A three-node JetStream cluster of private nats-server processes; the ORDERS stream leader is killed mid-stream.
  --orders N       orders to publish (default 400, 20..5000)
  --lanes N        publishes in flight at once (default 8, 1..64, at most half of --orders)
  --real-timings   the story's 30 s AckWait for the email-worker instead of the scaled 1 s`;

async function main(): Promise<void> {
  const options = { orders: { type: 'string' }, lanes: { type: 'string' }, 'real-timings': { type: 'boolean' } } as const;
  const flags = parseFlags(USAGE, options);
  const total = intFlag('orders', flags.orders, 400, 20, 5_000);
  const lanes = intFlag('lanes', flags.lanes, 8, 1, 64);
  // The kill comes at 40% of the PubAcks; the other lanes' orders must not be all there is left.
  if (lanes > total / 2) {
    throw new UsageError(`--lanes must be at most half of --orders (${Math.floor(total / 2)}), got ${lanes}\n\n${USAGE}`);
  }
  const t = timings();
  const out = createOutput();
  const started = performance.now();

  out.chapter('10-cluster', 'Three nodes, kill the leader, lose no acknowledged order', '#10-cluster');

  out.step('Start a private three-node JetStream cluster');
  const cluster = await PrivateNatsCluster.start({ size: 3, name: 'C' });
  const done = cleanupOnExit(() => cluster.dispose()); // Ctrl-C too: stop the three nodes and delete their stores
  try {
    const version = natsBinaryVersion() ?? '?';
    out.say(`NATS: a private ${cluster.nodes.length}-node cluster "${cluster.name}" of nats-server ${version}, started for this lesson`);
    out.say('(never your local server: a node gets SIGKILLed)');
    const monitor = (port: number) => `http://127.0.0.1:${port}/jsz`;
    out.table(
      cluster.nodes.map((n) => ({
        node: n.name,
        client: n.url,
        'cluster port': n.clusterPort,
        monitor: monitor(n.monitorPort),
        store: n.server.storeDir,
      })),
    );
    const metaStart = performance.now();
    const meta = await cluster.waitForMetaLeader();
    const after = Math.round(performance.now() - metaStart);
    out.ok(`JetStream meta leader elected: ${meta} (${after} ms after the nodes were up)`);

    const scene = `the shop publishes ${total} orders while the email worker consumes; the stream leader is SIGKILLed`;
    out.step(`ORDERS with 3 replicas; ${scene}`);
    out.say('Shop and worker are both connected to the leader first, with all three URLs to fall back on.');
    out.say('Running the scene (most of its time is the Raft election after the kill)...');
    const r = await runFailover(cluster, { total, lanes, killAfter: Math.floor(total * 0.4), ackWaitMs: t.get('ackWaitMs') });
    out.timeline(r.timeline);

    printVerdict(out, r);
    printConsumer(out, r, version);
    printCatchUp(out, r);

    out.say(`Whole scene: ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  } finally {
    await done();
  }
}

runMain(main);
