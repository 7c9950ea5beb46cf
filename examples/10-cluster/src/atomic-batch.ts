// Atomic batch publish (nats-server 2.12+): several messages stored all together or not at all.
// Each message carries Nats-Batch-Id and Nats-Batch-Sequence (1, 2, ...); the last one also
// Nats-Batch-Commit: 1, and only that one is answered with a PubAck ({batch, count}). The leader
// stages the batch until the commit, so a leader that dies mid-batch takes the staged part with it:
// the commit then fails on the new leader ("atomic publish batch is incomplete", 10176) and the
// shop sends the whole batch again. The stream needs allow_atomic: true. Servers before 2.12
// ignore the headers and store every message as it arrives, so a broken batch stays half stored.
import { headers, type NatsConnection } from '@nats-io/transport-node';

export const BATCH_ID = 'Nats-Batch-Id';
export const BATCH_SEQUENCE = 'Nats-Batch-Sequence';
export const BATCH_COMMIT = 'Nats-Batch-Commit';

/** The PubAck of a commit (2.12+: with batch and count), or JetStream's error. */
export interface BatchAck {
  stream?: string;
  seq?: number;
  batch?: string;
  count?: number;
  error?: { code: number; err_code: number; description: string };
}

function batchHeaders(batchId: string, sequence: number, commit: boolean) {
  const h = headers();
  h.set(BATCH_ID, batchId);
  h.set(BATCH_SEQUENCE, String(sequence));
  if (commit) h.set(BATCH_COMMIT, '1');
  return h;
}

// #region look-batch
/** Send messages 1..n-1 of a batch (no commit), and make sure the server has read them. */
export async function stageBatch(nc: NatsConnection, subject: string, batchId: string, payloads: string[]): Promise<void> {
  payloads.forEach((p, i) => nc.publish(subject, p, { headers: batchHeaders(batchId, i + 1, false) }));
  await nc.flush();
}

/** Send the last message with Nats-Batch-Commit: 1 and wait for the one PubAck of the batch. */
export async function commitBatch(
  nc: NatsConnection,
  subject: string,
  batchId: string,
  sequence: number,
  payload: string,
  timeoutMs = 2_000,
): Promise<BatchAck> {
  const reply = await nc.request(subject, payload, { headers: batchHeaders(batchId, sequence, true), timeout: timeoutMs });
  return reply.json<BatchAck>();
}

/** The whole batch at once: stage all but the last message, then commit with it. */
export async function publishBatch(nc: NatsConnection, subject: string, batchId: string, payloads: string[]): Promise<BatchAck> {
  await stageBatch(nc, subject, batchId, payloads.slice(0, -1));
  return commitBatch(nc, subject, batchId, payloads.length, payloads[payloads.length - 1]);
}
// #endregion look-batch
