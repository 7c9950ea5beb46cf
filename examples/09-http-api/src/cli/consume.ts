// `pnpm --filter 09-http-api consume -- --group order-processor --id 1`: one member of a
// consumer group. Start two with the same --group and they share the work; set FAIL_RATE=0.5 and
// watch failures come back after the nak delay. Runs until Ctrl-C, then finishes the message in hand.
import { connectNats, ms, runMain, timings } from '@mq/shared';
import { setupGroup } from '../setup';
import { describeEvent, startMember } from '../worker';
import { parseConsumerArgs } from '../cli-args';
import { consumerNats } from '../consumer-nats';

runMain(async () => {
  const { group, id, stream, failRate, realTimings } = parseConsumerArgs(process.argv.slice(2));
  const t = timings(realTimings);
  const maxDeliver = t.get('maxDeliver');

  const resolved = await consumerNats(); // NATS_URL or the local server: the one the API server uses, never a private one
  console.log(resolved.description);
  const nats = await connectNats(resolved.url, { name: `${group}#${id}` });
  try {
    await setupGroup(nats.jsm, stream, group, { ackWaitMs: t.get('ackWaitMs'), maxDeliver });
    const scale = t.real ? "the story's timings" : "scaled; --real-timings for the story's 30 s";
    const timing = `nak delay ${t.get('nakDelayMs')} ms, ack wait ${t.get('ackWaitMs')} ms (${scale})`;
    console.log(`${group}#${id} consuming ${stream}: FAIL_RATE=${failRate}, ${timing}, up to ${maxDeliver} deliveries`);
    console.log('Ctrl-C to stop');
    const t0 = performance.now();
    const worker = startMember({
      js: nats.js,
      stream,
      group,
      id,
      failRate,
      nakDelayMs: t.get('nakDelayMs'),
      maxDeliver,
      onEvent: (e) => console.log(`${`+${ms(t0, e.at)} ms`.padStart(10)}  ${e.worker}  ${describeEvent(e, maxDeliver)}`),
      onFetchError: (error, retryInMs) =>
        console.log(`${`+${ms(t0)} ms`.padStart(10)}  ${group}#${id}  cannot fetch (${error}); retrying in ${retryInMs} ms`),
    });
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    console.log('stopping: finishing the message in hand');
    await worker.stop();
    const s = worker.stats;
    const unconfirmed = s.ackErrors ? `, ${s.ackErrors} ack(s) not confirmed (will be redelivered)` : '';
    console.log(`${group}#${id} done: ${s.acked} acked, ${s.naked} nak'd (retried later), ${s.termed} given up${unconfirmed}`);
  } finally {
    await nats.close();
    await resolved.close();
  }
});
