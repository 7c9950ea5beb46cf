// Reference solution of 04-shared-queue: ONE durable name for the whole group, so the server
// hands each message to one fetch of one worker; ack after the work; the consumer's AckWait
// brings a dead worker's message back to the others.
import { ensureDurable, PullWorker } from '@mq/shared';
import type { WorkerSetup } from './exercise';

export async function startWorker(s: WorkerSetup): Promise<void> {
  // The queue is the durable name, not the worker: all three use 'email-workers'. Creating it is
  // idempotent with the same config, so whichever process comes first creates it.
  await ensureDurable(s.jsm, s.stream, 'email-workers', { filterSubject: s.subject, ackWaitMs: s.ackWaitMs });
  new PullWorker({
    js: s.js,
    stream: s.stream,
    consumer: 'email-workers',
    batch: 1, // a message waiting in a client-side batch is already on its AckWait clock
    handler: async (msg) => {
      await s.process(msg.json<{ id: string }>().id);
      return 'ack' as const;
    },
  }).start();
}
