// The demo's group scene, seed 000's workshop: two members of group order-processor pull from one
// durable, FAIL_RATE=0.5 (seeded, so the same failures every run) makes some deliveries fail, and
// those come back after the nak delay to whichever member asks next.
import { connectNats, ms, seededRandom, waitFor, type Output, type TimelineEvent, type Timings } from '@mq/shared';
import type { Exchange, httpNarrator } from './narrate';
import type { ApiSceneNames } from './scene-api';
import { setupGroup } from './setup';
import { describeEvent, startMember, type MemberEvent } from './worker';

const FAIL_RATE = 0.5;

export async function sceneGroup(
  out: Output,
  call: ReturnType<typeof httpNarrator>,
  n: ApiSceneNames & { natsUrl: string; group: string; t: Timings },
  before: Exchange,
): Promise<void> {
  const { group, t } = n;
  const maxDeliver = t.get('maxDeliver');
  out.step(`Two members of group "${group}" share the work (FAIL_RATE=${FAIL_RATE})`);
  out.say(`both pull from one durable consumer "${group}", one message at a time; a failure is nak'd and`);
  out.say(`JetStream redelivers it after ${t.describe('nakDelayMs')}; after ${maxDeliver} failed deliveries a message is given up (term)`);
  const members = await connectNats(n.natsUrl, { name: `${group}-members` });
  const events: MemberEvent[] = [];
  let doneAt = 0;
  try {
    await setupGroup(members.jsm, n.stream, group, { ackWaitMs: t.get('ackWaitMs'), maxDeliver });
    const random = seededRandom(9); // FAIL_RATE with a fixed seed: the same failures on every run
    const t0 = performance.now();
    const member = { js: members.js, stream: n.stream, group, failRate: FAIL_RATE, nakDelayMs: t.get('nakDelayMs'), maxDeliver, random };
    const start = (id: number) => startMember({ ...member, id, onEvent: (e) => events.push(e) });
    const workers = [start(1), start(2)];
    const waiting = Number(before.body.messages);
    out.say(`the ${waiting} messages published above waited in the stream; now 10 more (ORD-1..ORD-10):`);
    for (let i = 1; i <= 10; i++) {
      await call('POST', '/api/v1/messages', { subject: n.subject('order.created'), data: { order_id: `ORD-${i}` } }, { quiet: i > 1 });
    }
    out.say('… 9 more like it');
    await call('GET', `/api/v1/consumers/${n.stream}/${group}`);
    const total = waiting + 10;
    const handled = () => new Set(events.filter((e) => e.outcome === 'ack' || e.outcome === 'term').map((e) => e.seq)).size;
    const timeoutMs = 60_000 + 10 * t.get('nakDelayMs') * maxDeliver;
    try {
      await waitFor(() => handled() === total, { timeoutMs, what: 'every message to be processed or given up' });
      doneAt = ms(t0, events[events.length - 1].at);
    } finally {
      await Promise.all(workers.map((w) => w.stop())); // graceful: each finishes the message in hand
    }
    out.say('what the two members did (ms since they started):');
    out.timeline(events.map((e): TimelineEvent => ({ atMs: e.at - t0, who: e.worker, what: describeEvent(e, maxDeliver) })));
    out.table(
      [1, 2].map((id) => {
        const mine = events.filter((e) => e.worker === `${group}#${id}`);
        const count = (o: MemberEvent['outcome']) => mine.filter((e) => e.outcome === o).length;
        return { member: `${group}#${id}`, acked: count('ack'), "nak'd": count('nak'), 'given up': count('term') };
      }),
    );
    const retried = events.filter((e) => e.outcome === 'ack' && e.deliveryCount > 1);
    out.ok(`all ${total} messages handled after ${doneAt} ms; ${retried.length} of them failed first and succeeded on a later delivery`);
    await call('GET', `/api/v1/consumers/${n.stream}/${group}`);
    await call('GET', `/api/v1/streams/${n.stream}`);
    out.ok('work-queue retention: every acked (or given-up) message left the stream');
  } finally {
    await members.close();
  }
}
