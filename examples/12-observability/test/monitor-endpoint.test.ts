// The chapter's claim: nats-server's monitoring endpoint (/jsz) reports the same queue numbers
// as the client API, for a queue in a known state (10 published, 4 fetched, 2 acked).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { compareMonitorViews, type KnownState } from '../src/scene-monitor';

let f: NatsFixture;
let state: KnownState;

beforeAll(async () => {
  f = await privateNats({ monitor: true });
  state = await compareMonitorViews(f.url, f.server.monitorUrl!);
});
afterAll(() => f?.dispose());

it('the client API sees 6 pending, 2 in hand, ack floor 2 and 8 messages left in the work queue', () => {
  expect(state.client).toMatchObject({ pending: 6, ackPending: 2, redelivered: 0, ackFloor: 2, messages: 8 });
});

it('/jsz reports the same numbers as the client API', () => {
  expect(state.endpoint, '/jsz vs consumers.info / streams.info').toEqual(state.client);
});
