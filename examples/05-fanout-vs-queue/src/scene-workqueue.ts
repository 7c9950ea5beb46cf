// Scene 4: fan-out on a work-queue stream (the story's ORDERS retention) is refused by the server.
import { deleteStreamIfExists } from '@mq/shared';
import { SCOPE, WQ_STREAM } from './names';
import type { SceneContext } from './scene-context';
import { tryFanoutOnWorkQueue } from './workqueue-refusal';

export async function workQueueRefusal(c: SceneContext): Promise<void> {
  const { out, nats } = c;
  out.step("Fan-out on a work-queue stream (the story's ORDERS retention)");
  await deleteStreamIfExists(nats.jsm, WQ_STREAM);
  const attempts = await tryFanoutOnWorkQueue(nats.jsm, WQ_STREAM, SCOPE.subject('modes_wq'));
  out.table(attempts.map((a) => ({ consumer: a.consumer, filter: a.filter, result: a.ok ? 'created' : `refused: ${a.code} ${a.error}` })));
  out.say('A work queue deletes a message at its first ack, so it allows one consumer per subject: queue yes, fan-out no.');
}
