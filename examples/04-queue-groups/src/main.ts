// The chapter, narrated: why one worker cannot keep up, three workers sharing one durable
// consumer, how throughput scales, what happens when one of them is killed, and the seed's
// mistake (a durable name per worker). Runs in well under 15 s with the scaled timings. Its streams
// are lesson 04's (L04_*), removed at the end and on Ctrl-C; the workshop's L04_ORDERS is left alone.
import { cleanupOnExit, connectNats, createOutput, deleteStreamIfExists, parseFlags, realTimingsRequested, resolveNats, runMain } from '@mq/shared';
import { STORY, timings, type TimelineEvent } from '@mq/shared';
import { backlog, drainSeconds, SALE, workersNeeded } from './backlog';
import { crashDrill } from './scene-crash';
import { shareOrders } from './scene-share';
import { perWorkerDurablesOnLimits, perWorkerDurablesOnWorkQueue } from './scene-seed-mistake';
import { compareThroughput } from './scene-throughput';
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
  out.say(nats.description);
  out.say(`The demo uses lesson 04's own streams (${DEMO_STREAMS[0]}, ...), so it never touches another lesson's ORDERS or the workshop's.`);
  try {
    out.step('The sale: 5,000 orders/s arrive, one worker sends 500 emails/s');
    out.table(
      [1, 3, 10].map((w) => {
        const b = backlog(w);
        return { workers: w, 'emails/s': b.capacityPerSecond, 'backlog grows /s': b.growthPerSecond, 'backlog after 1 h': b.afterOneHour.toLocaleString('en-US') };
      }),
    );
    out.say(`Keeping up takes ${workersNeeded()} workers (${SALE.inPerSecond} / ${SALE.perWorkerPerSecond}), and they must all read the SAME queue.`);
    const hourOfBacklog = backlog(1).afterOneHour;
    out.say(`But ${workersNeeded()} only stops the growth; the ${hourOfBacklog.toLocaleString('en-US')} already queued never shrink (the seed's "10 workers: done" has no headroom).`);
    out.say(`With 12 workers the surplus is 1,000/s and that backlog takes ${(drainSeconds(hourOfBacklog, 12) / 3600).toFixed(1)} h to clear.`);
    out.say('In JetStream the queue is a durable consumer: workers that fetch from one durable name share its messages.');

    out.step('Three workers, one durable consumer "email-workers"');
    const share = await shareOrders({ url: nats.url, stream: SCOPE.stream('SHARE'), subject: SCOPE.subject('share.email'), durable: 'email-workers', orders: 300, labels: ['1', '2', '3'], workMs: 3, batch: 1 });
    pending.push(share.stopped);
    const ids = share.records.map((r) => r.orderId);
    out.table(Object.entries(share.perWorker).map(([w, n]) => ({ worker: w, orders: n, share: `${Math.round((100 * n) / ids.length)} %` })));
    const once = new Set(ids).size === ids.length && share.records.every((r) => r.deliveryCount === 1);
    (once ? out.ok : out.bad)(`${new Set(ids).size} distinct orders of 300, ${ids.length} acks, all on delivery 1: nobody did anybody else's order`);
    out.say(`Who got the first 15: ${share.records.slice(0, 15).map((r) => r.worker).join(' ')}`);
    out.say('(each fetch takes ONE message, so a busy worker cannot hoard a batch while the others idle;');
    out.say(' it is a share by who asks next, not the strict 1-4-7 / 2-5-8 rotation the seed draws)');

    const workMs = t.real ? 1000 / SALE.perWorkerPerSecond : 15;
    out.step(`Throughput: 1 worker vs 3, each email ${workMs} ms of waiting${t.real ? ' (the story: 500 msg/s)' : ' (story: 2 ms = 500 msg/s; scaled up to be measurable)'}`);
    out.say('Two equal backlogs on two streams, started at the same moment: a lone worker on one, three workers on the other.');
    const speed = await compareThroughput({ url: nats.url, streamPrefix: SCOPE.stream('SPEED'), subjectPrefix: SCOPE.subject('speed'), orders: 120, workMs });
    pending.push(speed.stopped);
    out.say(`In the ${speed.windowMs} ms the three needed for all 120 orders:`);
    out.table(
      [speed.one, speed.three].map((r) => ({ workers: r.workers, 'orders done': r.orders, 'msg/s': r.perSecond, 'ideal msg/s': Math.round((r.workers * 1000) / workMs) })),
    );
    (speed.ratio >= 2.5 ? out.ok : out.bad)(`3 workers: ${speed.ratio.toFixed(2)}x the throughput of one (the waits overlap; the rest is fetch and ack round trips)`);
    out.say('This scales because sending an email is waiting on I/O. CPU-bound work scales only up to the number of cores.');

    const ackWaitMs = t.get('ackWaitMs');
    out.step(`A worker dies mid-batch (AckWait ${t.describe('ackWaitMs')})`);
    out.say('Worker 3 is a real process (src/cli/worker.ts) fetching 4 orders at a time; workers 1 and 2 run in this process.');
    out.say('Worker 3 acks its first order, then its email call hangs on the second (--stall-after 1). We SIGKILL it');
    out.say('there, while it holds 3 unacked orders. The server is not told; a dead worker and a hung one look alike: no ack.');
    const events: TimelineEvent[] = [];
    const crash = await crashDrill({
      url: nats.url,
      stream: SCOPE.stream('CRASH'),
      subject: SCOPE.subject('crash.email'),
      durable: 'email-workers',
      orders: 30,
      workMs: 100,
      victimBatch: 4,
      ackWaitMs,
      onNote: (atMs, who, what) => events.push({ atMs, who, what }),
    });
    pending.push(crash.stopped);
    out.timeline(events);
    out.ok(`worker 3 (pid ${crash.victimPid}) died of ${crash.victimSignal} ${crash.killAfterReadyMs} ms after it started fetching`);
    out.ok(`${crash.redelivered.length} orders came back with delivery count 2 (${crash.redelivered.map((p) => `${p.orderId} -> worker ${p.worker}`).join(', ')})`);
    out.ok(`the first one ${crash.firstRedeliveryAfterReadyMs} ms after worker 3 began fetching: not at the crash, after AckWait (${ackWaitMs} ms)`);
    const done = new Set([...crash.victimLines.map((l) => l.orderId), ...crash.survivors.filter((p) => p.outcome === 'ack').map((p) => p.orderId)]);
    out.ok(`${done.size} of 30 orders processed; none lost`);
    out.say(`The seed says unacked messages "are reassigned automatically" - true, but only after AckWait (${STORY.ackWaitMs / 1000} s in the story).`);

    out.step('The seed\'s mistake: a durable name per worker (email-worker-1/2/3)');
    const names = ['email-worker-1', 'email-worker-2', 'email-worker-3'];
    const attempts = await perWorkerDurablesOnWorkQueue({ url: nats.url, stream: SCOPE.stream('WORKQUEUE'), subject: SCOPE.subject('wq.email'), durables: names });
    out.say('On a work-queue stream like ORDERS:');
    for (const a of attempts) (a.ok ? out.ok : out.bad)(a.ok ? `${a.durable}: created` : `${a.durable}: refused by the server, error ${a.code}: ${a.error}`);
    out.say('The seed never checks the error QueueSubscribe returns, so workers 2 and 3 would silently never start.');
    const limits = await perWorkerDurablesOnLimits({ url: nats.url, stream: SCOPE.stream('LIMITS'), subject: SCOPE.subject('limits.email'), orders: 20, workMs: 2, labels: ['1', '2', '3'], durableFor: (l) => `email-worker-${l}` });
    pending.push(limits.stopped);
    out.say('On a limits-retention stream the server accepts them, and each durable is its own queue:');
    out.table(Object.entries(limits.perWorker).map(([w, n]) => ({ durable: `email-worker-${w}`, 'orders processed': n })));
    const perOrder = new Map<string, number>();
    for (const r of limits.records) perOrder.set(r.orderId, (perOrder.get(r.orderId) ?? 0) + 1);
    out.bad(`${limits.records.length} emails for 20 orders: every order processed ${[...new Set(perOrder.values())].join('/')} times`);
    out.say('The fix is one shared durable name for the whole group (step 2); the worker id belongs in the logs, not in the name.');

    out.step('Summary');
    out.say(`Sharing is by durable name; ${speed.ratio.toFixed(1)}x throughput with 3 workers; a crash costs AckWait, not orders.`);
    out.say('Try it with real processes: pnpm --filter 04-queue-groups worker -- --group order-processor --id 1 (see README).');
  } finally {
    await cleanup();
  }
  out.say(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
});
