// Why this file exists: the demo and the tests start the same three workers (this lesson's loop
// in worker.ts plus the handler for one task type) in one line each, and stop them together.
import type { Shop, TaskType } from '@mq/shared';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { DeliveryLog } from './delivery-log';
import { seedStyleHandler, taskHandler } from './handler';
import type { SeededCoin } from './seeded-coin';
import { TASK_WORKERS } from './setup';
import { TaskWorker } from './worker';

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
  sayWorking?: boolean;
  /** Makes the handler idempotent (see handler.ts). */
  done?: Set<string>;
  /** The worker's name in the log (default: the durable's name). */
  name?: string;
}

export function startTaskWorker(js: JetStreamClient, shop: Shop, type: TaskType, opts: TaskWorkerOptions): TaskWorker {
  const spec = TASK_WORKERS[type];
  const name = opts.name ?? spec.consumer;
  const { nakDelayMs, log, coin, done } = opts;
  const handlerOpts = { service: shop[spec.service], op: spec.op, required: spec.required, nakDelayMs, log, coin, done };
  const corrected = taskHandler({ ...handlerOpts, name });
  const seeds = seedStyleHandler({ ...handlerOpts, name: `${name} (seed's code)` });
  const useSeed = typeof opts.seedStyle === 'function' ? opts.seedStyle : () => opts.seedStyle === true;
  return new TaskWorker({
    js,
    consumer: spec.consumer,
    handler: (msg) => (useSeed() ? seeds(msg) : corrected(msg)),
    batch: opts.batch ?? 1,
    sayWorking: opts.sayWorking,
  }).start();
}

/** Stop several workers at once (each finishes the message in hand). */
export async function stopAll(workers: TaskWorker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.stop()));
}
