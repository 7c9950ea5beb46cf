// `pnpm --filter 09-http-api start`: seed 000's message service, narrated. It starts the HTTP API
// in-process on a free loopback port, drives it with real HTTP requests, shows what it refuses,
// then runs the seed's workshop: two members of group order-processor share the work while
// FAIL_RATE=0.5 makes some deliveries fail and come back after the nak delay. Everything it
// creates is lesson 09's (L09_ORDERS on l09.order.*) and goes away at the end or on Ctrl-C.
import { randomBytes } from 'node:crypto';
import { cleanupOnExit, connectNats, createOutput, isApiError, parseFlags, realTimingsRequested, resolveNats, runMain, timings } from '@mq/shared';
import { httpNarrator } from './narrate';
import { scenePublish, sceneRefuse } from './scene-api';
import { sceneGroup } from './scene-group';
import { startService } from './service';
import { DEFAULT_GROUP, LESSON_STREAM, lessonStreamConfig, scope, teardownStream } from './setup';

const USAGE = `usage: pnpm --filter 09-http-api start [-- --real-timings] [--take-over]
  --real-timings   the story's 30 s nak delay and ack wait (the demo then takes minutes); or MQ_REAL_TIMINGS=1
  --take-over      delete an existing ${LESSON_STREAM} first (a stopped 09 serve leaves it behind; a running one would break)`;

runMain(async () => {
  const flags = parseFlags(USAGE, { 'real-timings': { type: 'boolean' }, 'take-over': { type: 'boolean' } });
  const t = timings(flags['real-timings'] || realTimingsRequested()); // the flag, or MQ_REAL_TIMINGS=1
  const out = createOutput();
  out.chapter('09-http-api', 'The message service: JetStream behind an HTTP API', '#09-http-api');

  const nats = await resolveNats();
  out.say(nats.description);
  const admin = await connectNats(nats.url, { name: '09-http-api-demo' });
  const stream = LESSON_STREAM;
  if (await streamExists(admin.jsm, stream)) {
    if (!flags['take-over']) {
      await admin.close();
      await nats.close();
      throw new Error(
        `${stream} already exists (a 09 serve is running, or one stopped and left it): stop the server, ` +
          `then run the demo with --take-over (or \`pnpm reset\`) to remove it first`,
      );
    }
    await teardownStream(admin.jsm, stream);
    out.say(`--take-over: removed the existing ${stream}`);
  }
  const svc = await startService({ natsUrl: nats.url, port: 0, stream, createWith: lessonStreamConfig() });
  const done = cleanupOnExit(async () => {
    await svc.close();
    await teardownStream(admin.jsm, stream); // the stream, its messages and the group's durable
    await admin.close();
    await nats.close();
  });
  try {
    const run = randomBytes(2).toString('hex');
    const names = { stream, subject: scope.subject, msgId: (id: string) => `demo-${run}-${id}` };
    const call = httpNarrator(out, svc.url);

    out.step('Start the service');
    out.say(`listening on ${svc.url}: loopback only (HOST=0.0.0.0 would expose it; there is no authentication)`);
    out.say(`${scope.label('ORDERS')} created with the story's config: subjects ${svc.backend.subjects.join(', ')},`);
    out.say('work-queue, file storage, 7 days, 10 GB, 1 min dedup window');

    const before = await scenePublish(out, call, names);
    await sceneRefuse(out, call, names, before);
    await sceneGroup(out, call, { ...names, natsUrl: nats.url, group: DEFAULT_GROUP, t }, before);
  } finally {
    await done();
  }
  out.step('Done');
  out.say(`service closed; ${stream} removed with its messages and the "${DEFAULT_GROUP}" durable`);
  out.say('what happens when NATS goes away (503, then recovery): README "NATS down" and test/outage.test.ts');
});

async function streamExists(jsm: Awaited<ReturnType<typeof connectNats>>['jsm'], name: string): Promise<boolean> {
  try {
    await jsm.streams.info(name);
    return true;
  } catch (err) {
    if (isApiError(err, 10059)) return false; // stream not found
    throw err;
  }
}
