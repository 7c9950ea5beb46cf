// JetStream, limits retention: independent durables fan out (each gets every message), one shared
// durable is a queue (each message to exactly one member). With 4 messages each member gets at
// least one (both are waiting when the burst starts); with 100, each gets at least 20 %.
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { waitFor } from '@mq/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counts, groupShare } from '../src/distribution';
import { FANOUT, MEMBERS, startJetStreamModes, type JetStreamModes } from '../src/jetstream-modes';

let f: NatsFixture;
let modes: JetStreamModes | undefined;

beforeAll(async () => {
  f = await privateNats();
  modes = await startJetStreamModes({ nats: f.nats, connect: (name) => f.connect(name), stream: 'L05_MODES', subject: 'l05.modes.demo' });
});
afterAll(async () => {
  await modes?.stop();
  await f?.dispose();
});

const DURABLES = [...FANOUT, 'queue-workers'];

/**
 * round() returns once every handler has its messages, but each ack leaves after its handler
 * returns, on the receiver's own connection: wait until the server has every durable's acks.
 */
const allAcked = (upTo: number) =>
  waitFor(
    async () => {
      const infos = await Promise.all(DURABLES.map((name) => f.nats.jsm.consumers.info('L05_MODES', name)));
      return infos.every((ci) => ci.num_ack_pending === 0 && ci.ack_floor.stream_seq === upTo) ? infos : undefined;
    },
    { timeoutMs: 5_000, what: `every durable to have acked up to stream sequence ${upTo}` },
  );

describe('05-fanout-vs-queue: JetStream durables', () => {
  it('4 messages: fanout-A 4, fanout-B 4, the queue members 4 together, no overlap, each at least 1', async () => {
    const d = await modes!.round(4);
    expect(d.received['fanout-A'].sort()).toEqual([1, 2, 3, 4]);
    expect(d.received['fanout-B'].sort()).toEqual([1, 2, 3, 4]);
    const q = groupShare(d, [...MEMBERS]);
    expect(q.total).toBe(4);
    expect(q.overlap).toEqual([]);
    expect(q.missing).toEqual([]);
    for (const m of MEMBERS) expect(q.perMember[m]).toBeGreaterThanOrEqual(1);
    // Limits retention: acking does not delete; once all three durables have acked all 4, the
    // stream still keeps them for any future consumer.
    await allAcked(4);
    expect((await f.nats.jsm.streams.info('L05_MODES')).state.messages).toBe(4);
  });

  it('100 messages: fan-out 100 each; the queue splits them with each member >= 20 %', async () => {
    const d = await modes!.round(100);
    const c = counts(d);
    for (const r of FANOUT) expect(c[r]).toBe(100);
    expect(new Set(d.received['fanout-A']).size).toBe(100);
    const q = groupShare(d, [...MEMBERS]);
    expect(q).toMatchObject({ total: 100, overlap: [], missing: [] });
    for (const m of MEMBERS) expect(q.perMember[m]).toBeGreaterThanOrEqual(20);
    // Each durable keeps its own position in the stream: all at the end, nothing owed (once the
    // acks in flight have arrived), and nothing delivered twice.
    const infos = await allAcked(104);
    for (const ci of infos) {
      // consumer_seq counts deliveries: 104 deliveries of 104 messages = none sent twice.
      expect([ci.name, ci.delivered.stream_seq, ci.delivered.consumer_seq, ci.num_pending]).toEqual([ci.name, 104, 104, 0]);
    }
    expect((await f.nats.jsm.streams.info('L05_MODES')).state.messages).toBe(104);
  });
});
