// The narrated demo of chapter 05: four messages through two fan-out subscribers and a two-member
// queue, first with JetStream durables, then with core NATS subscribers and a queue group, printed
// as seed 003's message x subscriber table from a real run; then 100 messages for the split, and
// the work-queue stream refusing a fan-out. Its streams and subjects are lesson 05's (L05_*, l05.*),
// removed at the end and on Ctrl-C.
import { cleanupOnExit, connectNats, createOutput, deleteStreamIfExists, intFlag, parseFlags, resolveNats, runMain, timings } from '@mq/shared';
import { STREAM, WQ_STREAM } from './names';
import type { SceneContext } from './scene-context';
import { coreModes } from './scene-core';
import { jetStreamModes } from './scene-jetstream';
import { workQueueRefusal } from './scene-workqueue';

const USAGE = `Usage: pnpm --filter 05-fanout-vs-queue start [-- options]

Retells chapter 05: the same messages to fan-out subscribers (each gets all) and to queue
members (each message to one), in JetStream and in core NATS.

Options:
  --messages N     size of the second burst (default 100)
  --real-timings   use the story's AckWait (30 s) for the durables (nothing here waits for it)
Environment:
  NATS_URL         NATS server to use (default: the local one on port 4222)`;

runMain(async () => {
  const flags = parseFlags(USAGE, { messages: { type: 'string' }, 'real-timings': { type: 'boolean' } });
  const burst = intFlag('messages', flags.messages, 100, 10, 100_000);
  const t = timings(flags['real-timings'] ?? undefined);
  const out = createOutput();
  const started = performance.now();

  out.chapter('05-fanout-vs-queue', 'Fan-out vs queue: one durable each vs one shared durable', '#05-fanout-vs-queue');
  const svc = await resolveNats();
  const nats = await connectNats(svc.url, { name: '05-fanout-vs-queue demo' });
  out.say(svc.description);
  const connect = (name: string) => connectNats(svc.url, { name: `05 ${name}` });
  const cleanup = cleanupOnExit(async () => {
    await deleteStreamIfExists(nats.jsm, STREAM);
    await deleteStreamIfExists(nats.jsm, WQ_STREAM);
    await nats.close();
    await svc.close();
  });
  const c: SceneContext = { out, nats, connect, burst, t };
  try {
    await jetStreamModes(c);
    await coreModes(c);
    await workQueueRefusal(c);
    out.step('The mapping (seed 004)');
    out.table([
      { pattern: 'fan-out (every subscriber gets all)', 'core NATS': 'plain subscribers', JetStream: 'one durable per subscriber', 'stream retention': 'limits or interest' },
      { pattern: 'queue (each message to one member)', 'core NATS': 'queue group', JetStream: 'one durable shared by members', 'stream retention': 'limits, interest or work-queue' },
    ]);
  } finally {
    await cleanup();
  }
  out.say('');
  out.say(`Cleaned up: deleted ${STREAM} and ${WQ_STREAM}. Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
});
