// Step 2: the seed's email worker nak()s a payload that is not JSON, and the server redelivers it
// without end: no retry limit, and no retry can fix bad JSON.
import { delay, ensureDurable, PullWorker } from '@mq/shared';
import type { DemoContext } from './demo-context';
import { ORDERS_STREAM, SUBJECTS } from './setup';
import { seedNakHandler } from './handler';

const SEED_WORKER = 'seed-email-worker';

export async function sceneSeedNak({ nats, out, ackWaitMs }: DemoContext): Promise<void> {
  out.step("The seed's email worker meets a payload that is not JSON: it nak()s it");
  await ensureDurable(nats.jsm, ORDERS_STREAM, SEED_WORKER, { filterSubject: SUBJECTS.email, ackWaitMs });
  await nats.js.publish(SUBJECTS.email, 'order #1001 for bob');
  let deliveries = 0;
  const worker = new PullWorker({
    js: nats.js,
    stream: ORDERS_STREAM,
    consumer: SEED_WORKER,
    handler: seedNakHandler((n) => (deliveries = n)), // seed 001: msg.Nak() on a parse error
  }).start();
  await delay(1_000); // a demo: watch it spin for one second
  await worker.stop();
  out.bad(`delivered ${deliveries} times in 1 s, and it would never stop: no retry limit, and no retry can fix bad JSON`);
  await nats.jsm.consumers.delete(ORDERS_STREAM, SEED_WORKER);
  await nats.jsm.streams.purge(ORDERS_STREAM);
}
