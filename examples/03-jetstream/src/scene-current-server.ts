// Scene 10: what a current nats-server does natively. Per-message TTL and consumer pause (2.11),
// and "retry later" as a scheduled message (2.12) beside nak with a delay. On an older server the
// scene says which version it needs and what 2.9 makes you build by hand.
import { deleteStreamIfExists } from '@mq/shared';
import { natsServerVersion, versionAtLeast } from '@mq/shared';
import { LATER_STREAM, retryLaterBothWays, setupLaterStream, ttlWhilePaused } from './current-server';
import type { SceneContext } from './scene-context';

export async function currentServer(c: SceneContext): Promise<void> {
  const { out, nats } = c;
  const version = natsServerVersion(nats.nc);
  out.step(`What a current server adds: per-message TTL and consumer pause (2.11), scheduled retries (2.12); this one is ${version}`);
  if (!versionAtLeast(version, '2.11.0')) {
    out.say(`Skipped: nats-server ${version} has neither (they need 2.11). On 2.9 a TTL is a timestamp in the payload that the`);
    out.say('handler checks, and pausing a queue means stopping its workers. Run `pnpm nats:fetch` and set NATS_URL to a 2.11+');
    out.say('server to see them.');
    return;
  }
  await setupLaterStream(nats, c.ackWaitMs);
  try {
    const pauseMs = 1_500;
    const ttlMs = 1_000; // whole seconds: the server refuses a Nats-TTL below 1s
    const p = await ttlWhilePaused(nats, pauseMs, ttlMs);
    out.ok(`push-worker paused for ${p.pausedFor} ms (jsm.consumers.pause); two pushes published, one with Nats-TTL: ${ttlMs / 1000}s`);
    out.ok(`${ttlMs + 250} ms later, still paused: the stream holds ${p.storedAfterTtl} message (the TTL one expired unread)`);
    out.table(p.seen.map((s) => ({ 'after ms': Math.round(s.atMs), push: s.body, delivery: s.deliveryCount })));
    if (!versionAtLeast(version, '2.12.0')) {
      out.say(`"Retry later" as a scheduled message needs 2.12; ${version} has only nak with a delay.`);
      return;
    }
    const r = await retryLaterBothWays(nats, c.nakDelayMs);
    const row = (how: string, xs: typeof r.nak) => xs.map((s) => ({ how, 'after ms': Math.round(s.atMs), seq: s.seq, delivery: s.deliveryCount, push: s.body }));
    out.table([...row('nak(delay)', r.nak), ...row('schedule @at', r.scheduled)]);
    out.say('nak(delay): the same message (same seq, delivery #2) waits inside the consumer and counts toward max_deliver.');
    out.say('A scheduled copy is a new message (new seq, delivery #1) stored in the stream: it outlives the consumer, and its');
    out.say('count of tries must travel in the payload or a header.');
  } finally {
    await deleteStreamIfExists(nats.jsm, LATER_STREAM);
  }
}
