// Every test file of lesson 03 starts the same way: its own private nats-server with lesson 03's
// ORDERS stream (L03_ORDERS) and the three durable workers on it.
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { setupOrders, type SetupOptions } from '../src/setup';

export async function ordersServer(opts: SetupOptions): Promise<NatsFixture> {
  const f = await privateNats();
  try {
    await setupOrders(f.nats.jsm, opts);
  } catch (err) {
    await f.dispose();
    throw err;
  }
  return f;
}
