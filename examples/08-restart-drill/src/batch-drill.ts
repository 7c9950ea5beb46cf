// The batch scene: order ORD-0500's five lines go out as one atomic batch, the broker is SIGKILLed
// before the commit, and comes back. Then the shop publishes the order again as a fresh batch.
import { connectNats } from '@mq/shared';
import type { PrivateNatsServer } from '@mq/shared/services';
import { orderLines, publishBatch, setupLinesStream, storedLines, type BatchAck } from './atomic-batch';

export interface BatchDrill {
  version: string;
  lines: number;
  /** Lines in the stream after the crash cut the first batch short. */
  afterCrash: number;
  /** Lines after the retry as a new, committed batch. */
  afterRetry: number;
  ack?: BatchAck;
}

export async function batchDrill(server: PrivateNatsServer): Promise<BatchDrill> {
  let nats = await connectNats(server.url, { name: 'shop' });
  const version = nats.nc.info?.version ?? '?';
  const lines = orderLines('ORD-0500');
  try {
    await setupLinesStream(nats.jsm);
    await publishBatch(nats.nc, 'ORD-0500-try-1', lines, { commit: false });
    await nats.close();
    await server.kill();
    await server.restart();
    nats = await connectNats(server.url, { name: 'shop' });
    const afterCrash = await storedLines(nats.jsm);
    const ack = await publishBatch(nats.nc, 'ORD-0500-try-2', lines, { commit: true });
    return { version, lines: lines.length, afterCrash, afterRetry: (await storedLines(nats.jsm)) - afterCrash, ack };
  } finally {
    await nats.close();
  }
}
