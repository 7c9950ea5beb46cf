// Which server: how many messages whose acks the server had CONFIRMED come back after a SIGKILL,
// on a limits stream and on a work-queue stream. A figure per version, printed, not promised.
import { PrivateNatsServer } from '@mq/shared/services';
import { measureAckLoss, type AckLoss } from './ack-loss';
import type { DrillContext } from './drill-context';

export async function sceneAckLoss(ctx: DrillContext): Promise<AckLoss[]> {
  const { out } = ctx;
  const count = 1_000;
  out.step(`A confirmed ack, then a SIGKILL: ${count} messages acked with ackAck(), broker killed at once, restarted`);
  // One private broker per retention, measured side by side.
  const results: AckLoss[] = await Promise.all(
    (['limits', 'workqueue'] as const).map(async (retention) => {
      const server = await PrivateNatsServer.start();
      ctx.servers.push(server);
      return measureAckLoss(server, { count, retention, ackWaitMs: ctx.ackWaitMs });
    }),
  );
  out.table(
    results.map((r) => ({
      'nats-server': r.version,
      stream: r.retention,
      'acks confirmed': r.confirmed,
      'delivered again after the kill': r.redelivered,
      share: `${((100 * r.redelivered) / r.confirmed).toFixed(1)}%`,
    })),
  );
  out.say('A confirmed ack means the server recorded it, not that the record reached the disk: a crash can undo it.');
  out.say('The figure varies from run to run and by version: run it again, and with another NATS_SERVER_BIN, to compare.');
  for (const r of results) {
    ctx.summary.push({ scene: `confirmed acks after a SIGKILL, ${r.retention} (${r.version})`, result: `${r.redelivered} of ${r.confirmed} delivered again` });
  }
  return results;
}
