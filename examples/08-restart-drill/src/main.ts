// 08-restart-drill, narrated: the story's 03:00 drill on a private nats-server (stop it, crash it,
// bring it back), a worker and a publisher that live through the outage, the same drill on the
// Redis list the story left behind, and what a current server adds (confirmed acks after a crash,
// atomic batches). Always private servers: this demo kills them.
import { cleanupOnExit, createOutput, intFlag, parseFlags, runMain, timings } from '@mq/shared';
import type { DrillContext } from './drill-context';
import { sceneAckLoss } from './scene-ack-loss';
import { sceneAtomicBatch } from './scene-atomic-batch';
import { sceneDrill } from './scene-drill';
import { scenePublisherOutage } from './scene-publisher-outage';
import { sceneWorkerOutage } from './scene-worker-outage';

const USAGE = `Usage: pnpm --filter 08-restart-drill start [-- --count N] [--real-timings]

The story's restart drill on private nats-servers (and a private redis-server for the contrast).
Set NATS_SERVER_BIN to run it on another nats-server (e.g. $(pnpm -s nats:fetch | tail -1)).
  --count N        email tasks in the drill (default 1000, 10..20000)
  --real-timings   the story's 30 s outage and 30 s AckWait instead of the scaled ones`;

runMain(async () => {
  const flags = parseFlags(USAGE, { count: { type: 'string' }, 'real-timings': { type: 'boolean' } });
  const count = intFlag('count', flags.count, 1_000, 10, 20_000);
  const t = timings();
  const ackWaitMs = t.get('ackWaitMs');
  const out = createOutput();
  const started = performance.now();
  const ctx: DrillContext = {
    out,
    count,
    outageMs: t.get('brokerOutageMs'),
    ackWaitMs,
    deadlineMs: 20_000 + 2 * ackWaitMs,
    summary: [],
    servers: [],
    conns: [],
  };
  const done = cleanupOnExit(async () => {
    await Promise.allSettled(ctx.conns.map((c) => c.close()));
    await Promise.allSettled(ctx.servers.map((s) => s.dispose()));
  });

  out.chapter('08-restart-drill', 'The restart drill: stop the broker, crash it, bring it back', '#08-restart-drill');
  out.say(`Outage: ${t.describe('brokerOutageMs')}.`);
  out.say(`AckWait: ${t.describe('ackWaitMs')}.`);
  try {
    const { server, setup } = await sceneDrill(ctx);
    await sceneWorkerOutage(ctx, server, setup);
    await scenePublisherOutage(ctx);
    await sceneAckLoss(ctx);
    await sceneAtomicBatch(ctx);

    out.step('Summary');
    out.table(ctx.summary);
    out.say(`Whole drill: ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  } finally {
    await done();
  }
});
