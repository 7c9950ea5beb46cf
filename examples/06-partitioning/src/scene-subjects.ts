// Step 1: the story's partition subject is captured by no stream; a stream on order.partition.*.* takes it.
import type { Nats, Output } from '@mq/shared';
import { scope, PARTITION_SUBJECTS } from './setup';
import { checkSubjects } from './subjects-check';

export async function sceneSubjects(nats: Nats, out: Output): Promise<void> {
  out.step('The story routes user 123 to order.partition.3.created ... and the ORDERS stream ignores it');
  const check = await checkSubjects(nats, 123);
  out.say(`${scope.label('ORDERS')} listens on "order.*": "*" matches exactly ONE token, so a four-token subject is not captured.`);
  out.bad(`publish ${check.subject} -> ${check.seedStreamError.name}: "${check.seedStreamError.message}"`);
  const cause = (check.seedStreamError as Error & { cause?: Error }).cause;
  if (cause) out.say(`  underneath: "${cause.message}". JetStream IS enabled; no stream took the subject, so nobody answered.`);
  const stored = `stream ${check.captured.stream}, seq ${check.captured.seq}`;
  out.ok(`with ${scope.label('ORDER_PARTITIONS')} on "${PARTITION_SUBJECTS}" the same publish is stored (${stored})`);
}
