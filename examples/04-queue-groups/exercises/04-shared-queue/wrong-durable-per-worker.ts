// wrong: the seed's code: each worker names its durable after itself (email-worker-1, -2, -3), so there are three queues, not one
// expect: each worker has its own durable, so each gets every order
import { ensureDurable, PullWorker } from '@mq/shared';
import type { WorkerSetup } from './exercise';

export async function startWorker(s: WorkerSetup): Promise<void> {
  const durable = `email-worker-${s.workerId}`;
  await ensureDurable(s.jsm, s.stream, durable, { filterSubject: s.subject, ackWaitMs: s.ackWaitMs });
  new PullWorker({
    js: s.js,
    stream: s.stream,
    consumer: durable,
    batch: 1,
    handler: async (msg) => {
      await s.process(msg.json<{ id: string }>().id);
      return 'ack' as const;
    },
  }).start();
}
