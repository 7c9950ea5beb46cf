// Step 1: where dead letters go. order.email.dlq has one token more than ORDERS' order.* captures,
// so dead letters need a stream of their own.
import { ensureStream } from '@mq/shared';
import type { DemoContext } from './demo-context';
import { dlqStreamConfig, DLQ_SUBJECTS, scope, setup, SUBJECTS, dlqSubjectFor } from './setup';

export async function sceneDlqSubject({ nats, out }: DemoContext): Promise<void> {
  out.step('Where do dead letters go? order.email -> order.email.dlq');
  await setup(nats.jsm, { fresh: true, dlq: false });
  out.say(`streams are lesson 07's own: ${scope.label('ORDERS')}, ${scope.label('DLQ')}`);
  const dlqSubject = dlqSubjectFor(SUBJECTS.email);
  try {
    await nats.js.publish(dlqSubject, '{}');
    out.bad(`${dlqSubject} was captured by some stream: unexpected on a fresh setup`);
  } catch (err) {
    out.bad(`publish ${dlqSubject} with only ORDERS (order.*) -> "${(err as Error).message}": "*" is one token, .dlq adds one more`);
  }
  await ensureStream(nats.jsm, dlqStreamConfig());
  out.ok(`stream ${scope.stream('DLQ')} on "${DLQ_SUBJECTS}": limits retention, 30 days, no consumer of the main workers reads it`);
}
