// Core NATS: plain subscribers fan out, a queue group (`subscribe(subject, { queue })`) splits.
// The server picks a random member for each message, so with 4 messages one member gets all four
// about 1 time in 8: the test asserts the split only where it is reliable (100 messages).
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_FANOUT, CORE_MEMBERS, startCoreModes, type CoreModes } from '../src/core-modes';
import { groupShare } from '../src/distribution';

let f: NatsFixture;
let modes: CoreModes | undefined;
beforeAll(async () => {
  f = await privateNats();
  modes = await startCoreModes({ nats: f.nats, connect: (name) => f.connect(name), subject: 'core.demo' });
});
afterAll(async () => {
  await modes?.stop();
  await f?.dispose();
});

describe('05-fanout-vs-queue: core NATS subscribers and a queue group', () => {
  it('4 messages: sub-A 4, sub-B 4, the queue group 4 together with no overlap', async () => {
    const d = await modes!.round(4);
    for (const r of CORE_FANOUT) expect(d.received[r].sort()).toEqual([1, 2, 3, 4]);
    expect(groupShare(d, [...CORE_MEMBERS])).toMatchObject({ total: 4, overlap: [], missing: [] });
  });

  it('100 messages: fan-out 100 each; the group splits them with each member >= 20 %', async () => {
    const d = await modes!.round(100);
    for (const r of CORE_FANOUT) expect(new Set(d.received[r]).size).toBe(100);
    const q = groupShare(d, [...CORE_MEMBERS]);
    expect(q).toMatchObject({ total: 100, overlap: [], missing: [] });
    for (const m of CORE_MEMBERS) expect(q.perMember[m]).toBeGreaterThanOrEqual(20);
  });

  it('has no memory: a late subscriber gets only what is published after it subscribed', async () => {
    const late = await f.connect('late');
    const got: string[] = [];
    const sub = late.nc.subscribe('core.demo', {
      callback: (_e, m) => {
        got.push(m.string());
      },
    });
    await late.nc.flush();
    // The 104 messages above were published before it subscribed; a fresh one arrives.
    f.nats.nc.publish('core.demo', JSON.stringify({ n: 105 }));
    await f.nats.nc.flush();
    await late.nc.flush();
    sub.unsubscribe();
    expect(got).toEqual(['{"n":105}']);
  });
});
