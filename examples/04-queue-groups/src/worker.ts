// One worker of a queue group, as its own OS process: the workshop runs it in several terminals,
// the tests and the demo spawn it and SIGKILL it. Every worker started with the same --group
// reads the SAME durable consumer, so they share the orders; --id only labels the output.
// It prints one line per message: worker, order, delivery count, ack/nak.
import { connectNats, PullWorker, runMain } from '@mq/shared';
import { emailJob } from './email-job';
import { ackWaitOf, ensureGroup, ensureQueueStream } from './queue-setup';
import { clock, formatWorkerLine } from './worker-line';
import { workerConfig } from './script-config';
import { workshopNats } from './workshop-nats';

runMain(async () => {
  const cfg = workerConfig(process.argv.slice(2));
  const service = await workshopNats(cfg.url);
  const nats = await connectNats(service.url, { name: `worker-${cfg.id}` });
  try {
    await ensureQueueStream(nats.jsm, cfg.stream, cfg.subject);
    const group = await ensureGroup(nats.jsm, cfg.stream, cfg.group, { subject: cfg.subject, ackWaitMs: cfg.ackWaitMs });
    let hung = false;
    const job = emailJob({
      worker: cfg.id,
      workMs: cfg.workMs,
      failRate: cfg.failRate,
      nakDelayMs: cfg.nakDelayMs,
      stallAfter: cfg.stallAfter,
      onProcessed: (p) => console.log(formatWorkerLine(p, p.at)),
      onStall: (orderId, deliveryCount) => {
        hung = true;
        console.log(`${clock()}  worker ${cfg.id}  ${orderId}  delivery ${deliveryCount}  hangs  (the email call never returns; holding the batch unacked until killed)`);
      },
      onFetchError: (m) => console.error(`${clock()}  worker ${cfg.id}  ${m}`),
    });
    const worker = new PullWorker({ js: nats.js, stream: cfg.stream, consumer: cfg.group, batch: cfg.batch, handler: job.handler, onEvent: job.onEvent });

    console.log(`${clock()}  worker ${cfg.id} ready: group "${cfg.group}" on ${cfg.stream} (${group.config.filter_subject ?? 'all subjects'}), pid ${process.pid}`);
    console.log(`              ${service.description}; batch ${cfg.batch}, email ${cfg.workMs} ms, AckWait ${ackWaitOf(group)} ms, FAIL_RATE ${cfg.failRate}`);
    worker.start();

    // Ctrl-C reaches both this process and the tsx/pnpm wrappers, which relay it again: only the
    // first signal counts, later ones must not kill a worker that is finishing its message.
    await new Promise<void>((resolve) => {
      process.on('SIGINT', resolve);
      process.on('SIGTERM', resolve);
    });
    if (hung) {
      console.log(`${clock()}  worker ${cfg.id} is hung and leaves without acking: the server redelivers its batch after AckWait`);
      return;
    }
    console.log(`${clock()}  worker ${cfg.id} stopping: finishing the message in hand`);
    await worker.stop();
    const s = worker.stats;
    console.log(`${clock()}  worker ${cfg.id} stopped: ${s.acked} acked, ${s.naked} nak'd, ${s.termed} terminated${s.ackErrors ? `, ${s.ackErrors} acks unconfirmed` : ''}`);
  } finally {
    await nats.close();
    await service.close();
  }
});
