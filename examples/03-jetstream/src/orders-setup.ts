// Why this file exists: the ORDERS stream and its three durable workers (email, points, push) are
// set up the same way by the demo and by every test file. On a work-queue stream each consumer
// must own its subjects, so each worker filters on exactly one task subject.
import { deleteStreamIfExists, ensureDurable, ensureStream, isApiError, ORDERS, ordersStreamConfig, TASK_SUBJECTS, type ServiceName, type TaskType } from '@mq/shared';
import type { JetStreamManager, StreamInfo } from '@nats-io/jetstream';

export interface TaskWorkerSpec {
  type: TaskType;
  consumer: string;
  subject: string;
  service: ServiceName;
  /** What the worker asks the service to do. */
  op: string;
  /** Fields a payload must carry, else it is malformed. */
  required: string[];
}

export const TASK_WORKERS: Record<TaskType, TaskWorkerSpec> = {
  send_email: { type: 'send_email', consumer: 'email-worker', subject: TASK_SUBJECTS.send_email, service: 'email', op: 'send', required: ['orderId', 'email', 'subject'] },
  add_points: { type: 'add_points', consumer: 'points-worker', subject: TASK_SUBJECTS.add_points, service: 'points', op: 'add', required: ['orderId', 'userId', 'points'] },
  send_push: { type: 'send_push', consumer: 'push-worker', subject: TASK_SUBJECTS.send_push, service: 'push', op: 'send', required: ['orderId', 'userId', 'message'] },
};

export interface SetupOptions {
  /** AckWait of the durables (the story: 30 s). */
  ackWaitMs: number;
  /** Delete an existing ORDERS stream first (the demo does; tests have a fresh server anyway). */
  fresh?: boolean;
}

/** Create ORDERS with the story's config and the three durable pull consumers. */
export async function setupOrders(jsm: JetStreamManager, opts: SetupOptions): Promise<{ stream: StreamInfo; deletedOld: boolean }> {
  let deletedOld = false;
  if (opts.fresh) {
    deletedOld = await jsm.streams.info(ORDERS).then(
      () => true,
      (err) => {
        if (isApiError(err, 10059)) return false; // stream not found
        throw err;
      },
    );
    if (deletedOld) await deleteStreamIfExists(jsm, ORDERS);
  }
  const stream = await ensureStream(jsm, ordersStreamConfig());
  for (const w of Object.values(TASK_WORKERS)) {
    await ensureDurable(jsm, ORDERS, w.consumer, { ackWaitMs: opts.ackWaitMs, filterSubject: w.subject });
  }
  return { stream, deletedOld };
}

/** How many messages ORDERS holds right now. */
export async function storedCount(jsm: JetStreamManager): Promise<number> {
  return (await jsm.streams.info(ORDERS)).state.messages;
}

/** Does ORDERS still hold the message with this sequence number? */
export async function isStored(jsm: JetStreamManager, seq: number): Promise<boolean> {
  return (await jsm.streams.getMessage(ORDERS, { seq })) !== null;
}
