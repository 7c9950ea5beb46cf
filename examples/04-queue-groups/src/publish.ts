// The workshop's producer: publish N orders to the group's subject and print each PubAck, so the
// workers in the other terminals have something to share. Also spawned by the tests.
import { connectNats, makeOrder, publishJson, runMain } from '@mq/shared';
import { ensureQueueStream } from './queue-setup';
import { clock } from './worker-line';
import { publishConfig } from './script-config';
import { workshopNats } from './workshop-nats';

runMain(async () => {
  const cfg = publishConfig(process.argv.slice(2));
  const service = await workshopNats(cfg.url);
  const nats = await connectNats(service.url, { name: 'publisher' });
  try {
    console.log(`${clock()}  publisher: ${service.description}`);
    await ensureQueueStream(nats.jsm, cfg.stream, cfg.subject);
    for (let n = cfg.from; n < cfg.from + cfg.count; n++) {
      const order = makeOrder(n);
      const ack = await publishJson(nats.js, cfg.subject, order);
      console.log(`${clock()}  published ${order.id} on ${cfg.subject} -> ${ack.stream} seq ${ack.seq}`);
    }
    console.log(`${clock()}  ${cfg.count} orders published; the workers of each group on ${cfg.subject} share them`);
  } finally {
    await nats.close();
    await service.close();
  }
});
