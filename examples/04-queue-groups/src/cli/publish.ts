// The workshop's producer: publish N orders to the group's subject and print each PubAck, so the
// workers in the other terminals have something to share. Also spawned by the tests. Its last
// line says who gets the orders, which depends on the stream's retention.
import { connectNats, makeOrder, publishJson, runMain } from '@mq/shared';
import { RetentionPolicy } from '@nats-io/jetstream';
import { ensureQueueStream, withRetention } from '../setup';
import { clock } from '../worker-line';
import { publishConfig } from '../script-config';
import { workshopNats } from '../workshop-nats';

runMain(async () => {
  const cfg = publishConfig(process.argv.slice(2));
  const service = await workshopNats(cfg.url);
  const nats = await connectNats(service.url, { name: 'publisher' });
  try {
    console.log(`${clock()}  publisher: ${service.description}`);
    const stream = await ensureQueueStream(nats.jsm, cfg.stream, cfg.subject, withRetention(cfg.retention));
    for (let n = cfg.from; n < cfg.from + cfg.count; n++) {
      const order = makeOrder(n);
      const ack = await publishJson(nats.js, cfg.subject, order);
      console.log(`${clock()}  published ${order.id} on ${cfg.subject} -> ${ack.stream} seq ${ack.seq}`);
    }
    const who =
      stream.config.retention === RetentionPolicy.Workqueue
        ? `the workers of the one group on ${cfg.subject} share them (${cfg.stream} is a work-queue stream: one group per subject)`
        : `every group on ${cfg.subject} gets each of them, and the workers of a group share them (${cfg.stream}: ${stream.config.retention} retention)`;
    console.log(`${clock()}  ${cfg.count} orders published; ${who}`);
  } finally {
    await nats.close();
    await service.close();
  }
});
