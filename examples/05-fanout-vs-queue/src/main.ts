// The narrated demo of chapter 05: four messages through two fan-out subscribers and a two-member
// queue, first with JetStream durables, then with core NATS subscribers and a queue group, printed
// as seed 003's message x subscriber table from a real run; then 100 messages for the split, and
// the work-queue stream refusing a fan-out. Its streams and subjects are lesson 05's (L05_*, l05.*),
// removed at the end and on Ctrl-C.
import { cleanupOnExit, connectNats, createOutput, deleteStreamIfExists, intFlag, lessonScope, parseFlags, resolveNats, runMain } from '@mq/shared';
import { timings, type Cell, type Nats } from '@mq/shared';
import { startCoreModes, CORE_FANOUT, CORE_MEMBERS, QUEUE_GROUP } from './core-modes';
import { distributionTable, groupShare, type Distribution } from './distribution';
import { FANOUT, MEMBERS, QUEUE_DURABLE, startJetStreamModes } from './jetstream-modes';
import { tryFanoutOnWorkQueue } from './workqueue-refusal';

const USAGE = `Usage: pnpm --filter 05-fanout-vs-queue start [-- options]

Retells chapter 05: the same messages to fan-out subscribers (each gets all) and to queue
members (each message to one), in JetStream and in core NATS.

Options:
  --messages N     size of the second burst (default 100)
  --real-timings   use the story's AckWait (30 s) for the durables (nothing here waits for it)
Environment:
  NATS_URL         NATS server to use (default: the local one on port 4222)`;

const SCOPE = lessonScope('05');
const STREAM = SCOPE.stream('MODES');
const SUBJECT = SCOPE.subject('modes.demo');
const WQ_STREAM = SCOPE.stream('MODES_WQ');

runMain(async () => {
  const flags = parseFlags(USAGE, { messages: { type: 'string' }, 'real-timings': { type: 'boolean' } });
  const burst = intFlag('messages', flags.messages, 100, 10, 100_000);
  const t = timings(flags['real-timings'] ?? undefined);
  const out = createOutput();
  const started = performance.now();

  out.chapter('05-fanout-vs-queue', 'Fan-out vs queue: one durable each vs one shared durable', '#05-fanout-vs-queue');
  const svc = await resolveNats();
  const nats = await connectNats(svc.url, { name: '05-fanout-vs-queue demo' });
  out.say(`${svc.description}, nats-server ${nats.nc.info?.version}`);
  const connect = (name: string) => connectNats(svc.url, { name: `05 ${name}` });
  const cleanup = cleanupOnExit(async () => {
    await deleteStreamIfExists(nats.jsm, STREAM);
    await deleteStreamIfExists(nats.jsm, WQ_STREAM);
    await nats.close();
    await svc.close();
  });
  try {
    // ---------------------------------------------------------------------------------------
    out.step('JetStream: 4 messages, two fan-out durables and one shared durable with two members');
    const existed = await streamExists(nats, STREAM);
    await deleteStreamIfExists(nats.jsm, STREAM);
    const js = await startJetStreamModes({ nats, connect, stream: STREAM, subject: SUBJECT, ackWaitMs: t.get('ackWaitMs') });
    const what = `${STREAM}, lesson 05's own stream (limits retention, subject ${SUBJECT})`;
    out.say(`${existed ? `Deleted the copy an earlier run left and created` : 'Created'} ${what}.`);
    out.say(`Durables: ${FANOUT.join(', ')} (one per subscriber) and ${QUEUE_DURABLE} (shared by ${MEMBERS.join(' and ')}, each pulling 1 at a time).`);
    let big: Distribution;
    try {
      const four = await js.round(4);
      out.table(distributionTable(four, [...FANOUT, ...MEMBERS]));
      verdict(out, four, [...FANOUT], [...MEMBERS]);
      out.say('A 2/2 split is typical, not guaranteed: each message goes to whichever member has a pull request waiting.');

      // -------------------------------------------------------------------------------------
      out.step(`JetStream: a burst of ${burst} messages`);
      big = await js.round(burst);
    } finally {
      await js.stop();
    }
    out.table(shareRows(big, [...FANOUT, ...MEMBERS], burst));
    verdict(out, big, [...FANOUT], [...MEMBERS]);
    const info = await nats.jsm.streams.info(STREAM);
    out.say(`Limits retention: acks do not delete. ${STREAM} still holds ${info.state.messages} messages, so a new durable could replay them all.`);

    // ---------------------------------------------------------------------------------------
    out.step('Core NATS: plain subscribers vs a queue group, 4 messages');
    const core = await startCoreModes({ nats, connect, subject: SCOPE.subject('modes.core') });
    let coreBig: Distribution;
    try {
      const four = await core.round(4);
      out.say(`${CORE_FANOUT.join(', ')}: plain subscribe(); ${CORE_MEMBERS.join(', ')}: subscribe(subject, { queue: '${QUEUE_GROUP}' }).`);
      out.table(distributionTable(four, [...CORE_FANOUT, ...CORE_MEMBERS]));
      verdict(out, four, [...CORE_FANOUT], [...CORE_MEMBERS]);
      out.say('The server picks a random group member per message: with 4 messages one member gets all four about 1 run in 8.');
      coreBig = await core.round(burst);
    } finally {
      await core.stop();
    }
    out.say('');
    out.say(`Core NATS, a burst of ${burst}:`);
    out.table(shareRows(coreBig, [...CORE_FANOUT, ...CORE_MEMBERS], burst));
    verdict(out, coreBig, [...CORE_FANOUT], [...CORE_MEMBERS]);
    out.say('No stream, no ack: a subscriber that was not connected at publish time never sees the message.');

    // ---------------------------------------------------------------------------------------
    out.step("Fan-out on a work-queue stream (the story's ORDERS retention)");
    await deleteStreamIfExists(nats.jsm, WQ_STREAM);
    const attempts = await tryFanoutOnWorkQueue(nats.jsm, WQ_STREAM, SCOPE.subject('modes_wq'));
    out.table(attempts.map((a) => ({ consumer: a.consumer, filter: a.filter, result: a.ok ? 'created' : `refused: ${a.code} ${a.error}` })));
    out.say('A work queue deletes a message at its first ack, so it allows one consumer per subject: queue yes, fan-out no.');

    // ---------------------------------------------------------------------------------------
    out.step('The mapping (seed 004)');
    out.table([
      { pattern: 'fan-out (every subscriber gets all)', 'core NATS': 'plain subscribers', JetStream: 'one durable per subscriber', 'stream retention': 'limits or interest' },
      { pattern: 'queue (each message to one member)', 'core NATS': 'queue group', JetStream: 'one durable shared by members', 'stream retention': 'limits, interest or work-queue' },
    ]);
  } finally {
    await cleanup();
  }
  out.say('');
  out.say(`Cleaned up: deleted ${STREAM} and ${WQ_STREAM}. Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
});

async function streamExists(nats: Nats, name: string): Promise<boolean> {
  return nats.jsm.streams.info(name).then(
    () => true,
    () => false,
  );
}

function shareRows(d: Distribution, receivers: string[], total: number): Record<string, Cell>[] {
  return receivers.map((r) => ({ receiver: r, received: d.received[r].length, share: `${Math.round((100 * d.received[r].length) / total)} %` }));
}

function verdict(out: ReturnType<typeof createOutput>, d: Distribution, fanout: string[], members: string[]): void {
  const n = d.messages.length;
  const fanOk = fanout.every((r) => new Set(d.received[r]).size === n);
  (fanOk ? out.ok : out.bad)(`fan-out: ${fanout.map((r) => `${r} ${d.received[r].length}`).join(', ')} (each got all ${n})`);
  const q = groupShare(d, members);
  const qOk = q.total === n && q.overlap.length === 0 && q.missing.length === 0;
  (qOk ? out.ok : out.bad)(
    `queue: ${members.map((m) => `${m} ${q.perMember[m]}`).join(' + ')} = ${q.total}, ${q.overlap.length ? `overlap ${q.overlap.join(', ')}` : 'no message twice'}, ${q.missing.length ? `missing ${q.missing.join(', ')}` : 'none missing'}`,
  );
}
