// The narrated demo of lesson 06: why a queue group scrambles one user's events, how userId % N
// partitions with one-at-a-time consumers restore per-user order while partitions run in parallel,
// and what a hot user does to a partition (and what 100 partitions do and do not fix).
import { connectNats, createOutput, deleteStreamIfExists, intFlag, parseFlags, resolveNats, runMain, timings, UsageError, type Output } from '@mq/shared';
import { fixedPlan, randomPlan } from './event-handler';
import { ORDER_EVENTS, orderEvents, partitionOf, PARTITION_STREAM, PARTITION_SUBJECTS } from './partitions';
import { generatePopulation, spread, type Spread } from './population';
import type { ProcessingLog } from './processing-log';
import { checkSubjects, runScene } from './scenes';

const USAGE = `Usage: pnpm --filter 06-partitioning start [-- options]

  --seed <n>        seed for the random work times and failures (default 42)
  --real-timings    the story's own durations (20 / 10 / 15 ms work, AckWait 30 s)
  -h, --help        this text`;

runMain(async () => {
  const flags = parseFlags(USAGE, { seed: { type: 'string' }, 'real-timings': { type: 'boolean' } });
  let seed: number;
  try {
    seed = intFlag('seed', flags.seed, 42, 0, 2 ** 31);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${USAGE}`); // intFlag's message alone lacks the usage
  }
  const t = timings(flags['real-timings'] ?? undefined);
  const scale = t.real ? 1 : 10;
  const out = createOutput();
  const started = performance.now();

  out.chapter('06-partitioning', 'One user, one lane: ordering by partition', '#06-partitioning');
  const service = await resolveNats();
  out.say(service.description);
  const nats = await connectNats(service.url, { name: '06-partitioning' });
  const ackWaitMs = t.get('ackWaitMs');
  try {
    out.step('The story routes user 123 to order.partition.3.created ... and the ORDERS stream ignores it');
    const check = await checkSubjects(nats, 123);
    out.say(`ORDERS listens on "order.*": "*" matches exactly ONE token, so a four-token subject is not captured.`);
    out.bad(`publish ${check.subject} -> ${check.seedStreamError.name}: "${check.seedStreamError.message}"`);
    const cause = (check.seedStreamError as Error & { cause?: Error }).cause;
    if (cause) out.say(`  underneath: "${cause.message}". JetStream IS enabled; no stream took the subject, so nobody answered.`);
    out.ok(`with a stream ${PARTITION_STREAM} on "${PARTITION_SUBJECTS}" the same publish is stored (stream ${check.captured.stream}, seq ${check.captured.seq})`);

    const story = { created: 20 * scale, paid: 10 * scale, shipped: 15 * scale };
    const storyNote = `work: created ${story.created} ms, paid ${story.paid} ms, shipped ${story.shipped} ms${t.real ? '' : ' (the story\'s 20/10/15 ms x10, readable; --real-timings for the story\'s)'}`;

    out.step('2024-06-05: three workers in one queue group, user 123 created -> paid -> shipped');
    out.say(storyNote);
    const shared = await runScene(nats, { mode: 'shared', workers: 3, partitions: 10, events: orderEvents([123]), plan: fixedPlan(story), ackWaitMs });
    out.timeline(timelineOf(shared.log));
    const sharedOrder = shared.log.processedOrder(123).map(eventName);
    if (sharedOrder.join() === ORDER_EVENTS.join()) out.say(`processed in order this time (${sharedOrder.join(' -> ')}): nothing guarantees it; run again.`);
    else out.bad(`user 123 processed: ${sharedOrder.join(' -> ')}. "paid" for an order that does not exist yet.`);

    out.step(`Partition by user: 123 % 10 = ${partitionOf(123, 10)}, one consumer per partition, max_ack_pending 1`);
    out.say(storyNote);
    const part = await runScene(nats, { mode: 'partitioned', partitions: 10, events: orderEvents([123]), plan: fixedPlan(story), ackWaitMs });
    out.timeline(timelineOf(part.log));
    out.ok(`user 123 processed: ${part.log.processedOrder(123).map(eventName).join(' -> ')} (slower for this one user: its events now run one after another)`);

    const users = Array.from({ length: 30 }, (_, i) => 100 + i);
    const plan = randomPlan(seed, { minMs: 5, maxMs: 40, failRate: 0.2 });
    out.step(`Under load: ${users.length} users x 3 events, random work 5-40 ms, ~20% of attempts fail and are nak'd (seed ${seed})`);
    const load = await runScene(nats, { mode: 'partitioned', partitions: 10, events: orderEvents(users), plan, ackWaitMs });
    out.table(partitionTable(load.log, 10));
    const ooo = load.log.outOfOrderUsers(load.published);
    const naks = load.log.attempts.filter((a) => a.outcome === 'nak').length;
    (ooo.length === 0 ? out.ok : out.bad)(`${users.length - ooo.length}/${users.length} users processed created -> paid -> shipped, despite ${naks} failed attempts; ${load.log.overtakes(load.published).length} overtakes`);
    out.ok(`partitions ran in parallel: up to ${load.log.maxConcurrent} handlers at once; ${ms(load.log.busyMs)} ms of work done in ${ms(load.log.wallMs)} ms (${(load.log.busyMs / load.log.wallMs).toFixed(1)}x)`);

    out.say('');
    out.say('Same plan, same partitions, but the consumers keep the default max_ack_pending (1000) and fetch 10 at a time:');
    const loose = await runScene(nats, { mode: 'partitioned', partitions: 10, events: orderEvents(users), plan, ackWaitMs, maxAckPending: null, batch: 10 });
    const looseOoo = loose.log.outOfOrderUsers(loose.published);
    out.bad(`${looseOoo.length}/${users.length} users out of order: a nak'd event waits for its redelivery while the next event of the same user is processed`);
    if (looseOoo[0] !== undefined) out.say(`  e.g. user ${looseOoo[0]}: ${loose.log.processedOrder(looseOoo[0]).map(eventName).join(' -> ')}`);
    out.say('One worker per partition is not enough: the retry is what reorders. max_ack_pending 1 holds the partition until the head is acked.');

    out.step('A hot user: user 7 places 13 orders at once, 20 other users one order each (10 ms per event)');
    const others = Array.from({ length: 20 }, (_, i) => 10 + i);
    const hot = await runScene(nats, { mode: 'partitioned', partitions: 10, events: [...orderEvents([7], 13), ...orderEvents(others)], plan: fixedPlan({ created: 10, paid: 10, shipped: 10 }), ackWaitMs });
    out.table(
      Array.from({ length: 10 }, (_, p) => {
        const us = [...(p === 7 ? [7] : []), ...others.filter((u) => u % 10 === p)];
        return { partition: p, users: us.join(', '), events: hot.log.acked.filter((a) => a.userId % 10 === p).length, 'done at ms': ms(Math.max(...us.map((u) => hot.log.finishedAt(u)))) };
      }),
    );
    const elsewhere = Math.max(...others.filter((u) => u % 10 !== 7).map((u) => hot.log.finishedAt(u)));
    out.bad(`users 17 and 27 share partition 7 with the hot user: done at ${ms(hot.log.finishedAt(17))} / ${ms(hot.log.finishedAt(27))} ms, while every other user was done by ${ms(elsewhere)} ms`);

    out.step('10 or 100 partitions? 1,000 users on paper, one hot user making 30% of all events');
    const pop = generatePopulation();
    const s10 = spread(pop, 10);
    const s100 = spread(pop, 100);
    out.say(`${pop.events.size} users, ${pop.totalEvents} events; hot user ${pop.hotUserId} alone makes ${pct(s10.hotUserShare)} of them.`);
    out.say('userId % 10:');
    out.table(s10.perPartition.map((n, p) => ({ partition: p, users: s10.usersPerPartition[p], events: n, share: pct(n / pop.totalEvents), note: p === s10.hotPartition ? '<- hot user' : '' })));
    out.table([summaryRow(s10), summaryRow(s100)]);
    out.ok(`more partitions spread the OTHER users: ${s10.usersSharingHot} users queue behind the hot one with 10 partitions, ${s100.usersSharingHot} with 100; the busiest ordinary partition drops from ${pct(s10.busiestOtherShare)} to ${pct(s100.busiestOtherShare)}`);
    out.bad(`the hot KEY is not split: its partition still carries ${pct(s100.hotPartitionShare)} of all events (never below its own ${pct(s100.hotUserShare)}); that one worker is the ceiling`);
    out.say('To go further, shrink the key (order id instead of user id, if per-order order is enough) or give the hot user its own lane.');
    out.say('Changing N moves users between partitions: drain the old partitions before switching, or order breaks during the move.');
  } finally {
    await deleteStreamIfExists(nats.jsm, PARTITION_STREAM);
    await nats.close();
    await service.close();
  }
  out.say('');
  out.say(`Done in ${(ms(performance.now() - started) / 1000).toFixed(1)} s.`);
});

function eventName(label: string): string {
  return label.split(':')[1];
}

function ms(n: number): number {
  return Math.round(n);
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function timelineOf(log: ProcessingLog): Parameters<Output['timeline']>[0] {
  const t0 = Math.min(...log.attempts.map((a) => a.startMs));
  return log.attempts.flatMap((a) => [
    { atMs: a.startMs - t0, who: a.worker, what: `starts user ${a.userId} ${a.event}` },
    { atMs: a.endMs! - t0, who: a.worker, what: `${a.outcome === 'ack' ? 'done ✔' : "failed, nak'd"} user ${a.userId} ${a.event}` },
  ]);
}

function partitionTable(log: ProcessingLog, partitions: number) {
  const t0 = Math.min(...log.attempts.map((a) => a.startMs));
  return Array.from({ length: partitions }, (_, p) => {
    const mine = log.attempts.filter((a) => a.userId % partitions === p);
    return {
      partition: p,
      users: new Set(mine.map((a) => a.userId)).size,
      attempts: mine.length,
      naks: mine.filter((a) => a.outcome === 'nak').length,
      'busy ms': ms(mine.reduce((s, a) => s + a.endMs! - a.startMs, 0)),
      'first start ms': ms(Math.min(...mine.map((a) => a.startMs)) - t0),
      'done at ms': ms(Math.max(...mine.map((a) => a.endMs!)) - t0),
    };
  });
}

function summaryRow(s: Spread) {
  return {
    partitions: s.partitions,
    'hot partition': s.hotPartition,
    'its share': pct(s.hotPartitionShare),
    'busiest / average': `${s.maxOverMean.toFixed(1)}x`,
    'users behind hot': s.usersSharingHot,
    'their events': s.otherEventsInHot,
    'busiest other': pct(s.busiestOtherShare),
  };
}
