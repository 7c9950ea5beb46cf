// The narrated demo of lesson 06: why a queue group scrambles one user's events, how userId % N
// partitions with one-at-a-time consumers restore per-user order while partitions run in parallel,
// and what a hot user does to a partition (and what 100 partitions do and do not fix).
import { cleanupOnExit, connectNats, createOutput, intFlag, parseFlags, resolveNats, runMain, timings, UsageError } from '@mq/shared';
import { scenePinnedFailover, sceneSubjectMapping } from './scene-current-server';
import { sceneHotUser } from './scene-hot-user';
import { sceneLoad } from './scene-load';
import { scenePopulation } from './scene-population';
import { sceneQueueGroup } from './scene-queue-group';
import { sceneSubjects } from './scene-subjects';
import { scope, teardown } from './setup';

const USAGE = `Usage: pnpm --filter 06-partitioning start [-- options]

  --seed <n>              seed for the random work times and failures (default 42)
  --max-ack-pending <n>   max_ack_pending of the partition consumers under load (default 1, the lesson's)
  --real-timings          the story's own durations (20 / 10 / 15 ms work, AckWait 30 s)
  -h, --help              this text`;

runMain(async () => {
  const flags = parseFlags(USAGE, { seed: { type: 'string' }, 'max-ack-pending': { type: 'string' }, 'real-timings': { type: 'boolean' } });
  let seed: number;
  let maxAckPending: number;
  try {
    seed = intFlag('seed', flags.seed, 42, 0, 2 ** 31);
    maxAckPending = intFlag('max-ack-pending', flags['max-ack-pending'], 1, 1, 10_000);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${USAGE}`); // intFlag's message alone lacks the usage
  }
  const t = timings(flags['real-timings'] ?? undefined);
  const out = createOutput();
  const started = performance.now();

  out.chapter('06-partitioning', 'One user, one lane: ordering by partition', '#06-partitioning');
  const service = await resolveNats();
  out.say(service.description);
  out.say(`Streams are lesson 06's own (${scope.stream('*')}); all removed at the end or on Ctrl-C.`);
  const nats = await connectNats(service.url, { name: '06-partitioning' });
  const done = cleanupOnExit(async () => {
    await teardown(nats.jsm);
    await nats.close();
    await service.close();
  });
  try {
    const ackWaitMs = t.get('ackWaitMs');
    await sceneSubjects(nats, out);
    await sceneQueueGroup(nats, out, t);
    await sceneLoad(nats, out, { seed, ackWaitMs, maxAckPending });
    await sceneHotUser(nats, out, ackWaitMs);
    scenePopulation(out);
    await sceneSubjectMapping(out);
    await scenePinnedFailover(nats, service.url, out);
  } finally {
    await done();
  }
  out.say('');
  out.say(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
});
