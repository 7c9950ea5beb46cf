// A publisher during the outage: the PubAck of order 100 is lost as the broker goes down, so the
// shop retries it until the broker is back. With the order id as Nats-Msg-Id the retry is
// recognised as a duplicate (the broker rebuilt its duplicate window from disk) and the stream
// holds each order once; without it, order 100 is stored twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { timings, type Nats } from '@mq/shared';
import { publishersThroughOutage, WITH_MSG_ID, WITHOUT_MSG_ID } from '../src/publisher-outage';

const COUNT = 150;
const LOST_ACK_AT = 100;
let fx: NatsFixture;
let shop: Nats;

beforeAll(async () => {
  fx = await privateNats();
  shop = await fx.connect('shop');
});
afterAll(() => fx?.dispose());

describe('publishers through an outage', () => {
  it('a retry with the same message id is deduplicated across the restart; a retry without one is stored twice', async () => {
    const [withId, withoutId] = await publishersThroughOutage({
      server: fx.server,
      nc: shop.nc,
      jsm: shop.jsm,
      count: COUNT,
      lostAckAt: LOST_ACK_AT,
      mode: 'stop',
      outageMs: timings().get('brokerOutageMs'),
      variants: [WITH_MSG_ID, WITHOUT_MSG_ID],
    });

    // Both shops lost the PubAck of ORD-0100, failed again while the broker was down, and retried until it answered.
    for (const r of [withId, withoutId]) {
      expect(r.lostAck.orderId).toBe('ORD-0100');
      expect(r.lostAck.failures[0]).toBe('PubAck lost');
      expect(r.lostAck.failures.length).toBeGreaterThanOrEqual(2);
      expect(r.records).toHaveLength(COUNT);
    }

    // With Nats-Msg-Id: the broker answered "duplicate" with the original sequence; nothing was stored twice.
    expect(withId.lostAck).toMatchObject({ duplicate: true, seq: LOST_ACK_AT });
    expect(withId.stored).toHaveLength(COUNT);
    expect(new Set(withId.stored).size).toBe(COUNT);
    expect(withId.duplicates.size).toBe(0);

    // Without it: the retry is just another message.
    expect(withoutId.lostAck).toMatchObject({ duplicate: false, seq: LOST_ACK_AT + 1 });
    expect(withoutId.stored).toHaveLength(COUNT + 1);
    expect([...withoutId.duplicates]).toEqual([['ORD-0100', 2]]);
  });
});
