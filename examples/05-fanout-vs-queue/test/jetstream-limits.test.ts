// JetStream, limits retention: independent durables fan out (each gets every message), one shared
// durable is a queue (each message to exactly one member). With 4 messages each member gets at
// least one (both are waiting when the burst starts); with 100, each gets at least 20 %.
import { privateNats, type NatsFixture } from '@mq/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counts, groupShare } from '../src/distribution';
import { FANOUT, MEMBERS, startJetStreamModes, type JetStreamModes } from '../src/jetstream-modes';

let f: NatsFixture;
let modes: JetStreamModes | undefined;

beforeAll(async () => {
  f = await privateNats();
  modes = await startJetStreamModes({ nats: f.nats, connect: (name) => f.connect(name), stream: 'F_MODES', subject: 'modes.demo' });
});
afterAll(async () => {
  await modes?.stop();
  await f?.dispose();
});

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
    // Limits retention: acking does not delete; the stream keeps all 4 for any future consumer.
    expect((await f.nats.jsm.streams.info('F_MODES')).state.messages).toBe(4);
  });

  it('100 messages: fan-out 100 each; the queue splits them with each member >= 20 %', async () => {
    const d = await modes!.round(100);
    const c = counts(d);
    for (const r of FANOUT) expect(c[r]).toBe(100);
    expect(new Set(d.received['fanout-A']).size).toBe(100);
    const q = groupShare(d, [...MEMBERS]);
    expect(q).toMatchObject({ total: 100, overlap: [], missing: [] });
    for (const m of MEMBERS) expect(q.perMember[m]).toBeGreaterThanOrEqual(20);
    // Each durable keeps its own position in the stream: all at the end, nothing owed.
    for (const name of [...FANOUT, 'queue-workers']) {
      const ci = await f.nats.jsm.consumers.info('F_MODES', name);
      expect([name, ci.delivered.stream_seq, ci.num_pending, ci.num_ack_pending]).toEqual([name, 104, 0, 0]);
    }
  });
});
