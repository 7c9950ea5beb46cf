// Atomic batch publish (nats-server 2.12+): the lines of one order go to a stream with allow_atomic
// as one batch (Nats-Batch-Id, Nats-Batch-Sequence, and Nats-Batch-Commit on the last). The server
// stages the lines and stores all of them at the commit, or none: a batch cut short by a crash
// leaves nothing behind. nats.js 3.4 has no batch API, so the headers are set by hand.
// Older servers ignore the headers and store each line as it comes: half an order survives a crash.
import { ensureStream } from '@mq/shared';
import type { JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';

export const ATOMIC_BATCH_SINCE = '2.12.0';
export const LINES_STREAM = 'ORDER_LINES';
export const LINES_SUBJECT = 'order.lines';

export async function setupLinesStream(jsm: JetStreamManager): Promise<void> {
  // allow_atomic is new in 2.12; older servers drop the unknown field.
  const config: Partial<StreamConfig> & { name: string } = { name: LINES_STREAM, subjects: [LINES_SUBJECT], allow_atomic: true };
  await ensureStream(jsm, config);
}

export interface BatchAck {
  stream: string;
  seq: number;
  /** Present when the server stored the batch atomically (2.12+). */
  batch?: string;
  count?: number;
}

export interface BatchOptions {
  /** false: leave out the last line and never commit. */
  commit: boolean;
}

/**
 * Publish `lines` as batch `id`. With `commit: false` the last line is left out and nothing is
 * committed (a publisher that crashed, or a broker that died, mid-batch).
 */
export async function publishBatch(nc: NatsConnection, id: string, lines: string[], opts: BatchOptions): Promise<BatchAck | undefined> {
  const send = opts.commit ? lines : lines.slice(0, -1);
  let ack: BatchAck | undefined;
  // #region look-atomic-batch
  for (const [i, line] of send.entries()) {
    const h = headers();
    h.set('Nats-Batch-Id', id);
    h.set('Nats-Batch-Sequence', String(i + 1));
    const last = opts.commit && i === send.length - 1;
    if (last) h.set('Nats-Batch-Commit', '1'); // the server stores all lines now, or none
    if (i === 0 || last) {
      // The first line opens the batch and the commit returns the PubAck: both wait for an answer.
      const reply = await nc.request(LINES_SUBJECT, line, { headers: h, timeout: 5_000 });
      if (reply.data.length > 0) ack = reply.json<BatchAck>();
    } else {
      nc.publish(LINES_SUBJECT, line, { headers: h });
    }
  }
  // #endregion look-atomic-batch
  await nc.flush();
  return opts.commit ? ack : undefined;
}

/** One order as its lines: header, items, total. */
export function orderLines(orderId: string, items = 3): string[] {
  const lines = [JSON.stringify({ orderId, line: 'header' })];
  for (let i = 1; i <= items; i++) lines.push(JSON.stringify({ orderId, line: `item ${i}` }));
  lines.push(JSON.stringify({ orderId, line: 'total' }));
  return lines;
}

export async function storedLines(jsm: JetStreamManager): Promise<number> {
  return (await jsm.streams.info(LINES_STREAM)).state.messages;
}
