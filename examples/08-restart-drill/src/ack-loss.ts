// How much does a SIGKILL forget? A worker acks every message and the server confirms each ack
// (double ack); then the broker is SIGKILLed and restarted on the same store. Any message the
// consumer hands out again is one whose confirmed ack the crash lost. Figures differ by server
// version and stream retention, so the drill prints them per version rather than promising one.
import { ensureDurable, ensureStream, ordersStreamConfig, connectNats } from '@mq/shared';
import type { PrivateNatsServer } from '@mq/shared/services';
import { RetentionPolicy } from '@nats-io/jetstream';
import { publishEmailTasks } from './broker-state';

export interface AckLoss {
  version: string;
  retention: 'limits' | 'workqueue';
  /** Messages whose ack the server confirmed before the kill. */
  confirmed: number;
  /** Of those, delivered again after the restart. */
  redelivered: number;
}

const STREAM = 'ACKLOSS';
const CONSUMER = 'acker';

/** Publish `count`, ack each with a confirmation, SIGKILL at once, restart, count what comes back. */
export async function measureAckLoss(server: PrivateNatsServer, o: { count: number; retention: 'limits' | 'workqueue'; ackWaitMs: number }) {
  let nats = await connectNats(server.url, { name: 'ack-loss' });
  const version = nats.nc.info?.version ?? '?';
  const retention = o.retention === 'limits' ? RetentionPolicy.Limits : RetentionPolicy.Workqueue;
  await ensureStream(nats.jsm, ordersStreamConfig({ name: STREAM, subjects: ['ackloss.>'], retention }));
  await ensureDurable(nats.jsm, STREAM, CONSUMER, { ackWaitMs: o.ackWaitMs });
  await publishEmailTasks(nats.js, o.count, { subject: 'ackloss.email' });
  const consumer = await nats.js.consumers.get(STREAM, CONSUMER);
  let confirmed = 0;
  while (confirmed < o.count) {
    const batch = await consumer.fetch({ max_messages: 100, expires: 2_000 });
    // #region look-confirmed-ack
    for await (const m of batch) {
      await m.ackAck(); // resolves once the server has recorded the ack
      confirmed += 1;
    }
    // #endregion look-confirmed-ack
  }
  await nats.close();
  await server.kill(); // at once: no time to flush what it only holds in memory
  await server.restart();
  nats = await connectNats(server.url, { name: 'ack-loss' });
  try {
    const again = new Set<number>();
    const after = await nats.js.consumers.get(STREAM, CONSUMER);
    // Whatever the restarted consumer still owes is handed out at once or after AckWait.
    const deadline = performance.now() + o.ackWaitMs + 1_500;
    while (performance.now() < deadline) {
      const batch = await after.fetch({ max_messages: 500, expires: 1_000 });
      for await (const m of batch) {
        again.add(m.seq);
        m.ack();
      }
    }
    return { version, retention: o.retention, confirmed, redelivered: again.size } satisfies AckLoss;
  } finally {
    await nats.jsm.streams.delete(STREAM).catch(() => {});
    await nats.close();
  }
}
