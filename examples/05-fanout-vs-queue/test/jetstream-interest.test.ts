// Interest retention also allows fan-out and a queue on one stream, and unlike limits it deletes
// a message once EVERY consumer has acked it: the slowest subscriber decides how long it stays.
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { waitFor } from '@mq/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupShare } from '../src/distribution';
import { MEMBERS, startJetStreamModes, type JetStreamModes } from '../src/jetstream-modes';

let f: NatsFixture;
let modes: JetStreamModes | undefined;
let releaseB!: () => void;
const bHeld = new Promise<void>((r) => (releaseB = r));

beforeAll(async () => {
  f = await privateNats();
  modes = await startJetStreamModes({
    nats: f.nats,
    connect: (name) => f.connect(name),
    stream: 'L05_MODES_INTEREST',
    subject: 'l05.modes.interest',
    retention: 'interest',
    // fanout-B acks messages 1-3 but holds message 4 until the test lets it go.
    beforeAck: (receiver, n) => (receiver === 'fanout-B' && n === 4 ? bHeld : undefined),
  });
});
afterAll(async () => {
  releaseB();
  await modes?.stop();
  await f?.dispose();
});

const stored = async () => (await f.nats.jsm.streams.info('L05_MODES_INTEREST')).state.messages;

describe('05-fanout-vs-queue: interest retention', () => {
  it('splits the queue and fans out as with limits, and keeps each message until the last consumer acked it', async () => {
    const d = await modes!.round(4);
    expect(d.received['fanout-A'].sort()).toEqual([1, 2, 3, 4]);
    const q = groupShare(d, [...MEMBERS]);
    expect(q).toMatchObject({ total: 4, overlap: [], missing: [] });
    for (const m of MEMBERS) expect(q.perMember[m]).toBeGreaterThanOrEqual(1);

    // fanout-A and the queue acked all 4, fanout-B acked 1-3 and holds 4: messages 1-3 are
    // gone, message 4 must stay.
    await waitFor(async () => {
      const acked = await Promise.all(['fanout-A', 'queue-workers', 'fanout-B'].map(async (c) => (await f.nats.jsm.consumers.info('L05_MODES_INTEREST', c)).ack_floor.stream_seq));
      return acked.join() === '4,4,3';
    }, { timeoutMs: 3_000, what: 'fanout-A and the queue to ack 4, fanout-B 3' });
    await waitFor(async () => (await stored()) === 1, { timeoutMs: 3_000, what: 'messages 1-3 to be dropped' });
    expect((await f.nats.jsm.streams.info('L05_MODES_INTEREST')).state.first_seq).toBe(4);

    releaseB();
    await waitFor(async () => (await stored()) === 0, { timeoutMs: 3_000, what: 'the stream to drop the messages once fanout-B acked' });
  });
});
