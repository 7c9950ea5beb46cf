// Exercise 04-shared-queue: write one email worker of a queue group. The check starts three
// copies of your file as three processes, publishes orders, and SIGKILLs one worker in the middle
// of an email. Every order must be emailed exactly once by someone, including the dead worker's.
// `pnpm verify 04-shared-queue` runs it; `pnpm hint 04-shared-queue` when stuck.
import { NotWrittenYet } from '@mq/shared/workshop';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';

export interface WorkerSetup {
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** The stream holding the orders (it exists already). */
  stream: string;
  /** The subject the orders are published on; each payload is an Order as JSON: {"id": "ORD-0001", ...}. */
  subject: string;
  /** '1', '2' or '3': which of the three processes this is. */
  workerId: string;
  /** The AckWait the queue should have: how long a dead worker's order waits before someone else gets it. */
  ackWaitMs: number;
  /** Send the confirmation email for one order. Ack the message only after this resolved. */
  process(orderId: string): Promise<void>;
}

/**
 * Join the queue and work it until the process is killed: make sure the consumer exists (the
 * three processes start at the same time, in any order), then fetch, process and ack. You may
 * return once your loop is running (a started PullWorker keeps the process alive).
 */
export async function startWorker(s: WorkerSetup): Promise<void> {
  void s;
  throw new NotWrittenYet('startWorker(): join the queue shared by the three workers and process its orders');
}
