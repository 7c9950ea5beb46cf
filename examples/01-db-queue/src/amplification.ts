// Experiment: how many rows does one order write? Place orders, let a worker drain their tasks,
// then read PostgreSQL's own per-table counters. The story counts 3 inserts + 3 status updates per
// order; the worker it shows actually updates every task twice ('processing', then 'completed'),
// and the order row is a write too. Every UPDATE also leaves a dead row version behind for VACUUM.
import pg from 'pg';
import { createShop, makeOrder, waitFor } from '@mq/shared';
import { shopHandler } from './handler';
import { NaiveWorker } from './naive-worker';
import { placeOrder } from './producer';
import { QueueWorker } from './worker';
import { statusCounts } from './setup';
import { awaitCounters, tableCounters, type TableCounters } from './table-stats';

export interface AmplificationResult {
  orders: number;
  worker: 'naive' | 'fixed';
  ordersTable: TableCounters;
  taskTable: TableCounters;
  /** Row writes (inserts + updates + deletes) per order, across both tables. */
  writesPerOrder: number;
}

export async function measureWriteAmplification(url: string, opts: { orders: number; worker: 'naive' | 'fixed'; firstOrder?: number }): Promise<AmplificationResult> {
  const shop = createShop({ ordersDb: 0, inventory: 0, email: 0, points: 0, push: 0 }); // count writes, not wait
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const ordersBefore = await tableCounters(admin, 'orders');
    const tasksBefore = await tableCounters(admin, 'task_queue');
    const doneBefore = (await statusCounts(admin)).completed;

    const producer = new pg.Pool({ connectionString: url, max: 4 });
    producer.on('error', () => {});
    const first = opts.firstOrder ?? 1;
    const numbers = Array.from({ length: opts.orders }, (_, i) => first + i);
    for (let i = 0; i < numbers.length; i += 4) {
      await Promise.all(numbers.slice(i, i + 4).map((n) => placeOrder(producer, shop, makeOrder(n))));
    }
    await producer.end();

    // One worker: two naive workers could race and double-update a row, and this experiment
    // counts writes, not races. The interval is short because latency is not the point here.
    const worker =
      opts.worker === 'naive'
        ? new NaiveWorker({ url, name: 'naive', handler: shopHandler(shop), pollIntervalMs: 10 })
        : new QueueWorker({ url, name: 'fixed', handler: shopHandler(shop), batchSize: 10, pollIntervalMs: 10, listen: false });
    worker.start();
    await waitFor(async () => (await statusCounts(admin)).completed - doneBefore === 3 * opts.orders, {
      timeoutMs: 10_000,
      what: `${opts.worker} worker to complete ${3 * opts.orders} tasks`,
    });
    await worker.stop(); // its backend exits and publishes its counters

    const ordersTable = await awaitCounters(admin, 'orders', ordersBefore, (d) => d.inserted >= opts.orders);
    const taskTable = await awaitCounters(admin, 'task_queue', tasksBefore, (d) => d.inserted >= 3 * opts.orders && d.updated >= 6 * opts.orders);
    const writes = (c: TableCounters) => c.inserted + c.updated + c.deleted;
    const writesPerOrder = (writes(ordersTable) + writes(taskTable)) / opts.orders;
    return { orders: opts.orders, worker: opts.worker, ordersTable, taskTable, writesPerOrder };
  } finally {
    await admin.end();
  }
}
