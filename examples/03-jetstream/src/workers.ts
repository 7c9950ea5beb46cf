// Why this file exists: the demo and the tests start the same durable workers (shared PullWorker
// + this lesson's handler) in one line each, and stop them together: an idle PullWorker takes up
// to one fetch wait (1 s) to stop, so stopping them one after another would add up.
import { ORDERS, PullWorker, type Shop, type TaskType, type WorkerEvent } from '@mq/shared';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { DeliveryLog } from './delivery-log';
import { TASK_WORKERS } from './orders-setup';
import type { SeededCoin } from './seeded-coin';
import { seedStyleHandler, taskHandler } from './task-handler';

export interface TaskWorkerOptions {
  nakDelayMs: number;
  log?: DeliveryLog;
  coin?: SeededCoin;
  /**
   * Run the seed's handler (parse errors nak'd forever) instead of the corrected one; a function
   * is asked per message, so a demo can swap the code without restarting the worker.
   */
  seedStyle?: boolean | (() => boolean);
  batch?: number;
  onEvent?: (e: WorkerEvent) => void;
}

export function startTaskWorker(js: JetStreamClient, shop: Shop, type: TaskType, opts: TaskWorkerOptions): PullWorker {
  const spec = TASK_WORKERS[type];
  const handlerOpts = { service: shop[spec.service], op: spec.op, required: spec.required, nakDelayMs: opts.nakDelayMs, log: opts.log, coin: opts.coin };
  const corrected = taskHandler({ ...handlerOpts, name: spec.consumer });
  const seeds = seedStyleHandler({ ...handlerOpts, name: `${spec.consumer} (seed's code)` });
  const useSeed = typeof opts.seedStyle === 'function' ? opts.seedStyle : () => opts.seedStyle === true;
  return new PullWorker({
    js,
    stream: ORDERS,
    consumer: spec.consumer,
    handler: (msg) => (useSeed() ? seeds(msg) : corrected(msg)),
    batch: opts.batch ?? 10,
    onEvent: opts.onEvent,
  }).start();
}

/** Stop several workers at once (each finishes the batch in hand). */
export async function stopAll(workers: PullWorker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.stop()));
}
