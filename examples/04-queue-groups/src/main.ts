// The chapter, narrated: why one worker cannot keep up, three workers sharing one durable
// consumer, how throughput scales, what happens when one of them is killed, and the seed's
// mistake (a durable name per worker). Runs in well under 15 s with the scaled timings. Its streams
// are lesson 04's (L04_*), removed at the end and on Ctrl-C; the workshop's L04_ORDERS is left alone.
import { cleanupOnExit, connectNats, createOutput, deleteStreamIfExists, parseFlags, realTimingsRequested, resolveNats, runMain } from '@mq/shared';
import { timings } from '@mq/shared';
import type { DemoContext } from './demo-context';
import { narrateCrash } from './scene-crash';
import { showSale } from './scene-sale';
import { narrateShare } from './scene-share';
import { narrateSeedMistake } from './scene-seed-mistake';
import { narrateThroughput } from './scene-throughput';
import { SCOPE } from './setup';
import { withUsage } from './usage';

/** Every stream the demo creates (L04_SHARE, ...); deleted at the end and on Ctrl-C. */
const DEMO_STREAMS = ['SHARE', 'SPEED_1', 'SPEED_3', 'CRASH', 'WORKQUEUE', 'LIMITS'].map((s) => SCOPE.stream(s));

const USAGE = `Usage: pnpm --filter 04-queue-groups start [-- --real-timings]

  --real-timings   the story's values: 2 ms per email (500 msg/s per worker), AckWait 30 s
                   (MQ_REAL_TIMINGS=1 in the environment does the same)`;

runMain(async () => {
  const flags = withUsage(USAGE, () => parseFlags(USAGE, { 'real-timings': { type: 'boolean' } }));
  const t = timings(flags['real-timings'] === true || realTimingsRequested()); // the flag or MQ_REAL_TIMINGS=1
  const out = createOutput();
  const started = Date.now();
  const pending: Promise<unknown>[] = [];

  out.chapter('04-queue-groups', 'One queue, many workers', '#04-queue-groups');
  const nats = await resolveNats();
  const cleanup = cleanupOnExit(async () => {
    await Promise.allSettled(pending);
    const admin = await connectNats(nats.url, { name: 'cleanup' });
    for (const stream of DEMO_STREAMS) await deleteStreamIfExists(admin.jsm, stream).catch(() => {});
    await admin.close();
    await nats.close();
  });
  const probe = await connectNats(nats.url, { name: '04 version probe' });
  out.say(nats.description);
  await probe.close();
  out.say(`The demo uses lesson 04's own streams (${DEMO_STREAMS[0]}, ...), so it never touches another lesson's ORDERS or the workshop's.`);
  const c: DemoContext = { out, url: nats.url, t, pending };
  try {
    showSale(c);
    await narrateShare(c);
    const speed = await narrateThroughput(c);
    await narrateCrash(c);
    await narrateSeedMistake(c);
    out.step('Summary');
    out.say(`Sharing is by durable name; ${speed.ratio.toFixed(1)}x throughput with 3 workers; a crash costs AckWait, not orders.`);
    out.say('Try it with real processes: pnpm --filter 04-queue-groups worker -- --group order-processor --id 1 (see README).');
  } finally {
    await cleanup();
  }
  out.say(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
});
