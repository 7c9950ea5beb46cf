// The email workers: N PullWorkers sharing the durable email-worker, each on its own connection
// named email-worker-<n> (that name is also its swimlane in `pnpm console`).
import { connectNats, PullWorker, type Nats } from '@mq/shared';
import { emailHandler, type MailRelay } from './handler';
import { NAMES } from './setup';
import type { WorkerMetrics } from './worker-metrics';

export interface EmailWorkers {
  workers: PullWorker[];
  stop(): Promise<void>;
}

export interface WorkerOptions {
  url: string;
  count: number;
  relay: MailRelay;
  metrics: WorkerMetrics;
  nakDelayMs: number;
}

export async function startEmailWorkers(o: WorkerOptions): Promise<EmailWorkers> {
  const conns: Nats[] = [];
  const workers: PullWorker[] = [];
  for (let i = 1; i <= o.count; i++) {
    const nats = await connectNats(o.url, { name: `email-worker-${i}` });
    conns.push(nats);
    const handler = emailHandler(nats.js, o.relay, {
      nakDelayMs: o.nakDelayMs,
      dlqSubject: NAMES.dlqSubject,
      onDelivery: (msg) => o.metrics.delivered(msg),
      onHandled: (_msg, ms) => o.metrics.handledIn(ms),
    });
    const { stream, consumer } = NAMES;
    const worker = new PullWorker({ js: nats.js, stream, consumer, batch: 10, handler, onEvent: o.metrics.onEvent });
    workers.push(worker.start());
  }
  return {
    workers,
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.allSettled(conns.map((c) => c.close()));
    },
  };
}
