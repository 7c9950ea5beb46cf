// What a current nats-server does natively: per-message TTL and consumer pause (2.11), and a
// scheduled message (2.12) as "retry later" beside nak with a delay. Skipped, with the reason
// printed, on an older server (the machine's 2.9.10); the demo's last scene shows the 2.9 side.
import type { NatsFixture } from '@mq/shared/testing';
import { privateNats } from '@mq/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsServerVersion } from '@mq/shared';
import { LATER_STREAM, retryLaterBothWays, setupLaterStream, ttlWhilePaused } from '../src/current-server';
import { needsServer, TEST_SERVER_VERSION } from './server-version';

const no211 = needsServer('2.11.0', 'per-message TTL and consumer pause');
const no212 = needsServer('2.12.0', 'message schedules (delayed delivery)');
let f: NatsFixture;

beforeAll(async () => {
  if (no211) return;
  f = await privateNats();
  expect(natsServerVersion(f.nats.nc)).toBe(TEST_SERVER_VERSION);
});
afterAll(() => f?.dispose());

describe(`03-jetstream on a current server (this one: ${TEST_SERVER_VERSION})`, () => {
  it.skipIf(no211)('a paused consumer gets nothing until the pause ends; a push with Nats-TTL expires unread meanwhile', async () => {
    await setupLaterStream(f.nats, 1_000);
    const pauseMs = 1_500;
    const p = await ttlWhilePaused(f.nats, pauseMs, 1_000); // a Nats-TTL is whole seconds, 1s at least
    expect(p.storedAfterTtl, 'messages stored once the TTL had passed').toBe(1);
    expect(p.seen.map((s) => [s.body, s.deliveryCount]), 'what the worker got').toEqual([['ORD-0302: your order has shipped', 1]]);
    expect(p.seen[0].atMs, 'when it got it (ms after the pause began)').toBeGreaterThanOrEqual(pauseMs - 5);
    await f.nats.jsm.streams.delete(LATER_STREAM);
  });

  it.skipIf(no212)('retry later: nak(delay) brings back the same message (delivery 2); a schedule @at brings a new one (delivery 1)', async () => {
    await setupLaterStream(f.nats, 1_000);
    const delayMs = 400;
    const { nak, scheduled } = await retryLaterBothWays(f.nats, delayMs);
    expect(nak.map((s) => [s.seq, s.deliveryCount]), 'nak(delay): seq and delivery').toEqual([[nak[0].seq, 1], [nak[0].seq, 2]]);
    expect(nak[1].atMs - nak[0].atMs).toBeGreaterThanOrEqual(delayMs - 5);
    expect(scheduled.map((s) => s.deliveryCount), 'scheduled: deliveries').toEqual([1, 1]);
    expect(scheduled[1].seq, 'the scheduled retry is a new message').toBeGreaterThan(scheduled[0].seq);
    expect(scheduled[1].body).toBe('ORD-0304: scheduled retry (retry)');
    expect(scheduled[1].atMs - scheduled[0].atMs).toBeGreaterThanOrEqual(delayMs - 5);
    await f.nats.jsm.streams.delete(LATER_STREAM);
  });
});
