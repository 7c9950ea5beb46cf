// The story's headline number for Redis Lists: "task pickup < 10 ms" (versus 1-5 s of database
// polling). Measured here, not quoted: an idle worker blocks in BRPOP, the producer LPUSHes one
// task at a time, and the worker notes how long after the push it had the task in hand.
import { connectRedis } from '@mq/shared';
import { pushTasks, popTask } from './list-queue';
import { summarize, type Summary } from './stats';
import { makeTasks, nowMs } from './task';

export interface PickupResult extends Summary {
  samples: number[];
}

export async function measurePickupLatency(url: string, key: string, samples = 200): Promise<PickupResult> {
  const producer = connectRedis(url);
  const workerConn = connectRedis(url);
  try {
    await producer.del(key);
    const tasks = makeTasks(samples, 9001);
    const latencies: number[] = [];
    for (const task of tasks) {
      // The worker is already waiting (blocked in BRPOP, or about to be) when the task is pushed.
      const popped = popTask(workerConn, key, 5);
      await pushTasks(producer, key, [task]);
      const got = await popped;
      if (!got) throw new Error(`worker saw nothing within 5 s of pushing ${task.id}`);
      latencies.push(nowMs() - got.task.enqueuedAtMs);
    }
    return { ...summarize(latencies), samples: latencies };
  } finally {
    await producer.del(key);
    producer.disconnect();
    workerConn.disconnect();
  }
}
