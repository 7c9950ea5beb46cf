// Which server: an order's five lines as one atomic batch (2.12+), cut short by a broker SIGKILL
// before the commit. A current server keeps none of them; 2.9 ignores the batch headers and keeps
// the four it got: half an order.
import { PrivateNatsServer } from '@mq/shared/services';
import { ATOMIC_BATCH_SINCE } from './atomic-batch';
import { batchDrill } from './batch-drill';
import type { DrillContext } from './drill-context';
import { versionAtLeast } from '@mq/shared';

export async function sceneAtomicBatch(ctx: DrillContext): Promise<void> {
  const { out } = ctx;
  out.step('All or nothing: ORD-0500 as an atomic batch of 5 lines, the broker SIGKILLed before the commit');
  const server = await PrivateNatsServer.start();
  ctx.servers.push(server);
  const r = await batchDrill(server);
  const atomic = versionAtLeast(r.version, ATOMIC_BATCH_SINCE);
  out.say(`nats-server ${r.version}: 4 lines sent with Nats-Batch-Id / Nats-Batch-Sequence, no Nats-Batch-Commit; SIGKILL; restart`);
  (r.afterCrash === 0 ? out.ok : out.bad)(`after the crash the stream holds ${r.afterCrash} of ORD-0500's ${r.lines} lines`);
  const how = r.ack?.batch ? `one PubAck for batch ${r.ack.batch}, count ${r.ack.count}` : `each line stored on its own (last seq ${r.ack?.seq})`;
  out.ok(`published again as a new batch with the commit: ${r.afterRetry} lines stored, ${how}`);
  if (!atomic) out.say(`Atomic batches need nats-server ${ATOMIC_BATCH_SINCE}+; on ${r.version} put the whole order in one message instead.`);
  ctx.summary.push({ scene: `atomic batch cut by a SIGKILL (${r.version})`, result: `${r.afterCrash} of ${r.lines} lines kept` });
}
