// (b) The server's max-deliveries advisory against a private nats-server: a worker with no DLQ code
// is cut off after max_deliver, the advisory is kept in a stream while the watcher is down, the
// maxed-out message is stranded in the work-queue stream until the watcher dead-letters and
// removes it, and a redrive processes it exactly once. On a limits stream the original is kept.
import { describe, expect, it } from 'vitest';
import { makeOrder, publishJson, pushTask, waitFor, type PullWorker } from '@mq/shared';
import { privateNatsForFile } from '@mq/shared/testing';
import { RetentionPolicy } from '@nats-io/jetstream';
import { startAdvisoryWatcher, type MaxDeliveriesAdvisory, type WatcherOutcome } from '../src/advisory-watcher';
import { listDeadLetters } from '../src/dead-letter';
import { redrive } from '../src/redrive';
import { dlqSubjectFor, MAX_DELIVERIES_STREAM, maxDeliveriesAdvisorySubject, ORDERS_STREAM, setup, SUBJECTS } from '../src/setup';
import { messagesIn, pushRig } from './rig';

const fx = privateNatsForFile();

async function watcher(outcomes: WatcherOutcome[]): Promise<PullWorker> {
  return startAdvisoryWatcher({ js: fx.nats.js, jsm: fx.nats.jsm, onOutcome: (o) => outcomes.push(o) });
}

describe('07-dlq (b): dead letters from the max-deliveries advisory', () => {
  it('strands the message after max_deliver until the watcher dead-letters it; redrive processes it once', async () => {
    await setup(fx.nats.jsm, { fresh: true });
    const rig = await pushRig(fx, { maxDeliver: 4, nakDelayMs: 50 });
    rig.refusals.refuse(1003, '410 Unregistered');
    const revoked = makeOrder(7, { userId: 1003 });
    const good = [8, 9, 10].map((n) => makeOrder(n, { userId: 1000 + n }));
    const seq = (await publishJson(fx.nats.js, SUBJECTS.push, pushTask(revoked))).seq;
    for (const o of good) await publishJson(fx.nats.js, SUBJECTS.push, pushTask(o));

    // The watcher is not running: the advisory waits in its stream.
    await waitFor(async () => (await messagesIn(fx.nats.jsm, MAX_DELIVERIES_STREAM)) === 1, { what: 'the advisory captured' });
    const advisory = (await fx.nats.jsm.streams.getMessage(MAX_DELIVERIES_STREAM, { seq: 1 }))!;
    expect(advisory.subject).toBe(maxDeliveriesAdvisorySubject(ORDERS_STREAM, 'push-worker'));
    expect(advisory.json<MaxDeliveriesAdvisory>()).toMatchObject({ type: 'io.nats.jetstream.advisory.v1.max_deliver', stream: ORDERS_STREAM, consumer: 'push-worker', stream_seq: seq, deliveries: 4 });
    expect(rig.seen.filter((s) => s.seq === seq).map((s) => s.delivery)).toEqual([1, 2, 3, 4]);
    expect([...rig.shop.push.applied].sort()).toEqual(good.map((o) => o.id));

    // Stranded: still in the work-queue stream, but the consumer has nothing pending or unacked.
    expect(await messagesIn(fx.nats.jsm, ORDERS_STREAM)).toBe(1);
    expect(await fx.nats.jsm.streams.getMessage(ORDERS_STREAM, { seq })).not.toBeNull();
    const info = await fx.nats.jsm.consumers.info(ORDERS_STREAM, 'push-worker');
    expect([info.num_pending, info.num_ack_pending]).toEqual([0, 0]);

    const outcomes: WatcherOutcome[] = [];
    const w = await watcher(outcomes);
    await waitFor(() => outcomes.length === 1, { what: 'the watcher to catch up' });
    expect(outcomes[0]).toMatchObject({ kind: 'dead-lettered', deletedOriginal: true, advisory: { stream_seq: seq } });
    const letters = await listDeadLetters(fx.nats.jsm);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ dlqSubject: dlqSubjectFor(SUBJECTS.push), original: { subject: SUBJECTS.push, stream: ORDERS_STREAM, seq }, consumer: 'push-worker', deliveries: 4, reason: 'max-deliveries' });
    expect(letters[0].error).toMatch(/^unknown: the server gave up after 4 deliveries/);
    expect(JSON.parse(new TextDecoder().decode(letters[0].data))).toEqual(pushTask(revoked));
    await waitFor(async () => (await messagesIn(fx.nats.jsm, MAX_DELIVERIES_STREAM)) === 0, { what: 'the advisory acked' });
    expect(await messagesIn(fx.nats.jsm, ORDERS_STREAM)).toBe(0);

    rig.refusals.fix(1003);
    const [again] = await redrive(fx.nats);
    await waitFor(async () => rig.shop.push.applied.includes(revoked.id) && (await messagesIn(fx.nats.jsm, ORDERS_STREAM)) === 0, { what: 'the redriven push sent' });
    expect(rig.shop.push.applied.filter((id) => id === revoked.id)).toHaveLength(1);
    expect(rig.seen.filter((s) => s.seq === again.seq).map((s) => s.delivery)).toEqual([1]);
    expect(await listDeadLetters(fx.nats.jsm)).toEqual([]);
    await Promise.all([rig.stop(), w.stop()]);
  });

  it('on a limits stream it dead-letters a copy and leaves the original for other consumers', async () => {
    await setup(fx.nats.jsm, { fresh: true, orders: { retention: RetentionPolicy.Limits } });
    const rig = await pushRig(fx, { maxDeliver: 2, nakDelayMs: 20 });
    rig.refusals.refuse(1003, '410 Unregistered');
    const seq = (await publishJson(fx.nats.js, SUBJECTS.push, pushTask(makeOrder(7, { userId: 1003 })))).seq;
    const outcomes: WatcherOutcome[] = [];
    const w = await watcher(outcomes);
    await waitFor(() => outcomes.length === 1, { what: 'the watcher to dead-letter it' });
    expect(outcomes[0]).toMatchObject({ kind: 'dead-lettered', deletedOriginal: false });
    expect(rig.seen.map((s) => s.delivery)).toEqual([1, 2]);
    expect(await fx.nats.jsm.streams.getMessage(ORDERS_STREAM, { seq })).not.toBeNull();
    expect(await listDeadLetters(fx.nats.jsm)).toHaveLength(1);
    await Promise.all([rig.stop(), w.stop()]);
  });
});
