// Lesson 03 shares the default server with every other lesson and with workshop processes left
// running. Its setup and teardown touch only its own names (L03_ORDERS on l03.order.*): the story's
// ORDERS another program uses (09's service) and 04's workshop stream keep their messages.
import { ensureStream, ordersStreamConfig } from '@mq/shared';
import { privateNatsForFile } from '@mq/shared/testing';
import { describe, expect, it } from 'vitest';
import { setupOrders, STREAM, teardownOrders } from '../src/setup';

const f = privateNatsForFile();

describe("03-jetstream: lesson 03 leaves other lessons' streams alone", () => {
  it('sets up and tears down L03_ORDERS twice while ORDERS and L04_ORDERS keep their messages and their creation time', async () => {
    const others = [
      { name: 'ORDERS', subject: 'order.created' },
      { name: 'L04_ORDERS', subject: 'l04.order.created' },
    ];
    for (const o of others) {
      await ensureStream(f.nats.jsm, ordersStreamConfig({ name: o.name, subjects: [o.subject], max_bytes: 1024 * 1024 }));
      await f.nats.js.publish(o.subject, '{"id":"ORD-0001"}');
    }
    const before = await Promise.all(others.map(async (o) => (await f.nats.jsm.streams.info(o.name)).created));

    for (let run = 1; run <= 2; run++) {
      await setupOrders(f.nats.jsm, { ackWaitMs: 1_000, fresh: true, stream: { max_bytes: 1024 * 1024 } });
      expect((await f.nats.jsm.streams.info(STREAM)).config.subjects, `run ${run}: ${STREAM}'s subjects`).toEqual(['l03.order.*']);
      await teardownOrders(f.nats.jsm);
    }

    for (const [i, o] of others.entries()) {
      const info = await f.nats.jsm.streams.info(o.name);
      expect({ created: info.created, messages: info.state.messages }, o.name).toEqual({ created: before[i], messages: 1 });
    }
    const names: string[] = [];
    for await (const s of f.nats.jsm.streams.list()) names.push(s.config.name);
    expect(names.sort(), 'streams left after teardown').toEqual(['L04_ORDERS', 'ORDERS']);
  });
});
