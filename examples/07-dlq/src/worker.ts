// The lesson's two workers, wired once for the demo and the tests: a durable on ORDERS filtered to
// one subject, and the shared PullWorker running the handler.
//   email-worker: business-layer dead letters (a): the handler's error decides, withDeadLetters acts.
//   push-worker:  no dead-letter code (b): it throws, the PullWorker naks, the consumer's max_deliver counts.
import { ensureDurable, PullWorker, type FakeService, type Handler } from '@mq/shared';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { withDeadLetters, type Outcome } from './dead-letter-policy';
import { emailHandler, pushHandler, type Attempt, type Refusals } from './handler';
import { ORDERS_STREAM, SUBJECTS } from './setup';

export const EMAIL_WORKER = 'email-worker';
export const PUSH_WORKER = 'push-worker';

interface Common {
  js: JetStreamClient;
  jsm: JetStreamManager;
  ackWaitMs: number;
  /** Delay before the next delivery after a failure. */
  nakDelayMs: number;
  clock?: () => number;
}

export interface RunningWorker {
  worker: PullWorker;
  /** Every delivery the handler saw. */
  seen: Attempt[];
}

export async function startEmailWorker(
  o: Common & { email: FakeService; relay: Refusals<string>; maxDeliveries: number; onOutcome?: (x: Outcome) => void },
): Promise<RunningWorker> {
  const seen: Attempt[] = [];
  // #region look-business-dlq
  const handler = withDeadLetters(emailHandler(o.email, o.relay, seen, o.clock), {
    js: o.js,
    maxDeliveries: o.maxDeliveries, // the delivery whose failure dead-letters (the story: 4)
    nakDelayMs: o.nakDelayMs, // retry later, not at once: the next orders go first
    onOutcome: o.onOutcome,
  });
  // #endregion look-business-dlq
  return { worker: await start(o, EMAIL_WORKER, SUBJECTS.email, handler), seen };
}

type PushOptions = Common & { push: FakeService; apns: Refusals<number>; maxDeliver: number };

export async function startPushWorker(o: PushOptions): Promise<RunningWorker> {
  const seen: Attempt[] = [];
  const handler = pushHandler(o.push, o.apns, seen, o.clock);
  return { worker: await start(o, PUSH_WORKER, SUBJECTS.push, handler, o.maxDeliver), seen };
}

async function start(o: Common, consumer: string, filterSubject: string, handler: Handler, maxDeliver?: number): Promise<PullWorker> {
  await ensureDurable(o.jsm, ORDERS_STREAM, consumer, { filterSubject, ackWaitMs: o.ackWaitMs, ...(maxDeliver ? { maxDeliver } : {}) });
  return new PullWorker({
    js: o.js,
    stream: ORDERS_STREAM,
    consumer,
    handler,
    errorNakDelayMs: o.nakDelayMs, // a throwing handler (the push worker) is nak'd with this delay
    backoff: { initialMs: 20, maxMs: 200 },
  }).start();
}
