// One worker of a queue group, as its own OS process: the workshop runs it in several terminals,
// the tests and the demo spawn it and SIGKILL it. Every worker started with the same --group
// reads the SAME durable consumer, so they share the orders; --id only labels the output.
// It prints one line per message: worker, order, delivery count, ack/nak. If its stream or its
// group's consumer is deleted under it (`pnpm reset`, another terminal), it creates them again
// and carries on, instead of retrying a consumer that no longer exists.
import { connectNats, delay, PullWorker, runMain, type WorkerStats } from '@mq/shared';
import { emailJob } from '../handler';
import { ackWaitOf, ensureQueueStream, useOrCreateGroup, withRetention } from '../setup';
import { clock, formatWorkerLine } from '../worker-line';
import { workerConfig } from '../script-config';
import { workshopNats } from '../workshop-nats';

/** What a fetch error says when the stream or the consumer is gone (deleted, or never re-created). */
const GONE = /not found|deleted/i;

runMain(async () => {
  const cfg = workerConfig(process.argv.slice(2));
  const service = await workshopNats(cfg.url);
  const nats = await connectNats(service.url, { name: `worker-${cfg.id}` });
  const say = (what: string) => console.log(`${clock()}  worker ${cfg.id} ${what}`);
  const prepare = async () => {
    await ensureQueueStream(nats.jsm, cfg.stream, cfg.subject, withRetention(cfg.retention));
    return useOrCreateGroup(nats.jsm, cfg.stream, cfg.group, { subject: cfg.subject, ackWaitMs: cfg.ackWaitMs });
  };
  try {
    let group = await prepare();
    let hung = false;
    let stopping = false;
    let recovering: Promise<void> | undefined;
    const totals: WorkerStats = { acked: 0, naked: 0, termed: 0, left: 0, ackErrors: 0, fetchErrors: 0 };
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
      onFetchError: (m) => {
        console.error(`${clock()}  worker ${cfg.id}  ${m}`);
        if (GONE.test(m) && !stopping) recovering ??= recover().finally(() => (recovering = undefined));
      },
    });
    const { handler, onEvent } = job;
    const { stream, group: consumer, batch } = cfg;
    const startWorker = () => new PullWorker({ js: nats.js, stream, consumer, batch, handler, onEvent }).start();
    let worker = startWorker();

    // #region look-recover
    // The stream or the group's consumer was deleted: stop this loop, create them again, start anew.
    async function recover(): Promise<void> {
      say(`lost ${cfg.stream} / group "${cfg.group}" (deleted while it ran): creating them again`);
      await worker.stop();
      for (const [k, v] of Object.entries(worker.stats)) totals[k as keyof WorkerStats] += v;
      // nats-server 2.9 can leave a consumer re-created within milliseconds of the delete deaf to
      // pull requests (seen in test/recovery.test.ts); give the delete a moment to finish first.
      await delay(500);
      for (let tries = 1; ; tries++) {
        try {
          const again = await prepare();
          // Right after a delete the server may still answer with the old consumer for a moment;
          // a worker started on it would fetch from nothing. Wait for the new one (or 2 s).
          if (again.created === group.created && tries < 10) {
            await delay(200);
            continue;
          }
          group = again;
          worker = startWorker();
          say(`back: group "${cfg.group}" on ${cfg.stream} again (AckWait ${ackWaitOf(again)} ms); fetching`);
          return;
        } catch (err) {
          if (stopping) return;
          say(`could not create them yet (${(err as Error).message}); trying again in 1 s`);
          await delay(1_000);
        }
      }
    }
    // #endregion look-recover

    say(`ready: group "${cfg.group}" on ${cfg.stream} (${group.config.filter_subject ?? 'all subjects'}), pid ${process.pid}`);
    console.log(`              ${service.description}; batch ${cfg.batch}, email ${cfg.workMs} ms, AckWait ${ackWaitOf(group)} ms, FAIL_RATE ${cfg.failRate}`);

    // Ctrl-C reaches both this process and the tsx/pnpm wrappers, which relay it again: only the
    // first signal counts, later ones must not kill a worker that is finishing its message.
    await new Promise<void>((resolve) => {
      process.on('SIGINT', resolve);
      process.on('SIGTERM', resolve);
    });
    stopping = true;
    if (hung) {
      say('is hung and leaves without acking: the server redelivers its batch after AckWait');
      return;
    }
    say('stopping: finishing the message in hand');
    await recovering;
    await worker.stop();
    for (const [k, v] of Object.entries(worker.stats)) totals[k as keyof WorkerStats] += v;
    const s = totals;
    say(`stopped: ${s.acked} acked, ${s.naked} nak'd, ${s.termed} terminated${s.ackErrors ? `, ${s.ackErrors} acks unconfirmed` : ''}`);
  } finally {
    await nats.close();
    await service.close();
  }
});
