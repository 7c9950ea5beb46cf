// Why this file exists: the ORDERS stream and its three durable workers (email, points, push) are
// set up the same way by the demo and by every test file. The names come from lesson 03's scope
// (stream L03_ORDERS on l03.order.*), so the demo never touches another lesson's ORDERS or a 04
// workshop worker left running. On a work-queue stream each consumer must own its subjects, so
// each worker filters on exactly one task subject.
import { deleteStreamIfExists, ensureDurable, ensureStream, isApiError, lessonScope, ordersStreamConfig, TASK_SUBJECTS } from '@mq/shared';
import type { ServiceName, TaskType } from '@mq/shared';
import type { JetStreamManager, StreamConfig, StreamInfo } from '@nats-io/jetstream';

export const SCOPE = lessonScope('03');
/** Lesson 03's copy of the story's ORDERS stream. */
export const STREAM = SCOPE.stream('ORDERS');
/** "ORDERS (lesson 03's copy: L03_ORDERS)", for output. */
export const STREAM_LABEL = SCOPE.label('ORDERS');

/** The subject a task is published on, in lesson 03's namespace: l03.order.email. */
export function taskSubject(type: TaskType): string {
  return SCOPE.subject(TASK_SUBJECTS[type]);
}

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
  send_email: { type: 'send_email', consumer: 'email-worker', subject: taskSubject('send_email'), service: 'email', op: 'send', required: ['orderId', 'email', 'subject'] },
  add_points: { type: 'add_points', consumer: 'points-worker', subject: taskSubject('add_points'), service: 'points', op: 'add', required: ['orderId', 'userId', 'points'] },
  send_push: { type: 'send_push', consumer: 'push-worker', subject: taskSubject('send_push'), service: 'push', op: 'send', required: ['orderId', 'userId', 'message'] },
};

/** The story's ORDERS config under lesson 03's names. */
export function streamConfig(overrides: Partial<StreamConfig> = {}): Partial<StreamConfig> & { name: string } {
  return ordersStreamConfig({ name: STREAM, subjects: [SCOPE.subject('order.*')], ...overrides });
}

export interface SetupOptions {
  /** AckWait of the durables (the story: 30 s). */
  ackWaitMs: number;
  /** Delete an existing L03_ORDERS first (the demo does; tests have a fresh server anyway). */
  fresh?: boolean;
  /** Changes to the story's stream config (a test's short duplicate window). */
  stream?: Partial<StreamConfig>;
}

/** Create L03_ORDERS with the story's config and the three durable pull consumers. */
export async function setupOrders(jsm: JetStreamManager, opts: SetupOptions): Promise<{ stream: StreamInfo; deletedOld: boolean }> {
  let deletedOld = false;
  if (opts.fresh) {
    deletedOld = await jsm.streams.info(STREAM).then(
      () => true,
      (err) => {
        if (isApiError(err, 10059)) return false; // stream not found
        throw err;
      },
    );
    if (deletedOld) await deleteStreamIfExists(jsm, STREAM);
  }
  const stream = await ensureStream(jsm, streamConfig(opts.stream));
  for (const w of Object.values(TASK_WORKERS)) {
    await ensureDurable(jsm, STREAM, w.consumer, { ackWaitMs: opts.ackWaitMs, filterSubject: w.subject });
  }
  return { stream, deletedOld };
}

/** Remove what setupOrders made (the stream takes its consumers with it). */
export async function teardownOrders(jsm: JetStreamManager): Promise<void> {
  await deleteStreamIfExists(jsm, STREAM);
}

/** How many messages L03_ORDERS holds right now. */
export async function storedCount(jsm: JetStreamManager): Promise<number> {
  return (await jsm.streams.info(STREAM)).state.messages;
}

/** Does L03_ORDERS still hold the message with this sequence number? */
export async function isStored(jsm: JetStreamManager, seq: number): Promise<boolean> {
  return (await jsm.streams.getMessage(STREAM, { seq })) !== null;
}
