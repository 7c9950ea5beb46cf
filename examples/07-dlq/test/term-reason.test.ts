// (c) term("reason") by server version: from 2.11 the server publishes a MSG_TERMINATED advisory
// carrying the reason; 2.9 ignores a term with a reason altogether and redelivers after AckWait.
// Each server gets its own assertion; the test says which one it checked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { natsServerVersion, versionAtLeast } from '@mq/shared';
import { ORDERS_STREAM, scope, setup } from '../src/setup';
import { TERM_REASON_SINCE, termWithReason } from '../src/term-reason';

let fx: NatsFixture;
beforeAll(async () => {
  fx = await privateNats();
  await setup(fx.nats.jsm, { fresh: true });
});
afterAll(() => fx?.dispose());

describe('07-dlq (c): the term reason', () => {
  it(`reaches the server as a MSG_TERMINATED advisory from ${TERM_REASON_SINCE} on; older servers redeliver instead`, async () => {
    const version = natsServerVersion(fx.nats.nc);
    const reason = 'retries-exhausted: 550 no MX';
    const o = { stream: ORDERS_STREAM, subject: scope.subject('order.sms'), consumer: 'sms-worker', reason, ackWaitMs: 500 };
    const r = await termWithReason(fx.nats.nc, fx.nats.js, fx.nats.jsm, o);
    if (versionAtLeast(version, TERM_REASON_SINCE)) {
      console.info(`nats-server ${version}: checking the MSG_TERMINATED advisory's reason`);
      expect(r).toMatchObject({ kind: 'advisory', advisory: { stream: ORDERS_STREAM, consumer: 'sms-worker', stream_seq: 1, reason } });
    } else {
      console.info(`nats-server ${version} (< ${TERM_REASON_SINCE}): no term reason; checking that term("reason") is ignored and redelivered`);
      expect(r, `term("${reason}") on ${version}`).toEqual({ kind: 'redelivered', delivery: 2 });
    }
  });
});
