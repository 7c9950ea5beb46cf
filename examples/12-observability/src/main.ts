// The narrated demo of lesson 12: what to watch on a queue and why. The story's three alerts
// (pending > 10K, latency > 100 ms, retries > 3) fire and clear under a scripted load; the
// client API's numbers beside nats-server's monitoring endpoint; depth and age on Postgres,
// stuck work on Redis.
import { cleanupOnExit, connectNats, connectRedis, createOutput, intFlag, parseFlags, pgPool, realTimingsRequested, resolveDatabase, resolveNats, resolveRedis, runMain, timings } from '@mq/shared';
import { PrivateNatsServer } from '@mq/shared/services';
import { ALERT_TEXT } from './alerts';
import { runScriptedLoad } from './load';
import { monitorAnswers } from './monitoring-endpoint';
import { pgBacklog, redisStuckWork } from './scene-backends';
import { compareMonitorViews } from './scene-monitor';
import { NAMES, scope, teardownNats } from './setup';
import { STORY_THRESHOLDS, thresholdsFor } from './thresholds';

const USAGE = `Usage: pnpm --filter 12-observability start [-- options]

  --real-timings          the story's thresholds (pending > 10,000: a 25,000-order burst) and nak delay (30 s)
  --pending-threshold N   alert when more than N messages wait (default 200, story ${STORY_THRESHOLDS.pending})
  --latency-ms N          alert when the median handling time exceeds N ms (default ${STORY_THRESHOLDS.latencyMs})
  --retries N             alert when one message was retried more than N times (default ${STORY_THRESHOLDS.retries})
  --sample-ms N           how often the monitor samples the queue (default 100)
  --monitor-url URL       nats-server's monitoring endpoint (default http://127.0.0.1:8222 if it answers,
                          else the demo starts its own nats-server with -m for that scene)`;

runMain(async () => {
  const f = parseFlags(USAGE, {
    'real-timings': { type: 'boolean' },
    'pending-threshold': { type: 'string' },
    'latency-ms': { type: 'string' },
    retries: { type: 'string' },
    'sample-ms': { type: 'string' },
    'monitor-url': { type: 'string' },
  });
  const t = timings(f['real-timings'] === true || realTimingsRequested());
  const thresholds = thresholdsFor(t.real, {
    ...(f['pending-threshold'] ? { pending: intFlag('pending-threshold', f['pending-threshold'], 200, 1, 1_000_000, USAGE) } : {}),
    ...(f['latency-ms'] ? { latencyMs: intFlag('latency-ms', f['latency-ms'], 100, 1, 60_000, USAGE) } : {}),
    ...(f.retries ? { retries: intFlag('retries', f.retries, 3, 0, 4, USAGE) } : {}),
  });
  const sampleMs = intFlag('sample-ms', f['sample-ms'], 100, 10, 10_000, USAGE);
  const out = createOutput();
  out.chapter('12-observability', 'What to watch on a queue, and when to page someone', '#12-observability');

  const nats = await resolveNats();
  out.say(nats.description);
  const cleanups: (() => Promise<void>)[] = [async () => nats.close()];
  const done = cleanupOnExit(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });
  try {
    out.step(`The story's alerts under a scripted load (${scope.label('ORDERS')}, consumer ${NAMES.consumer})`);
    out.say(`pending > ${thresholds.pending}${thresholds.pending === STORY_THRESHOLDS.pending ? '' : ` (story: ${STORY_THRESHOLDS.pending.toLocaleString('en-US')}, scaled; --real-timings for the story's)`}` +
      ` · median handling > ${thresholds.latencyMs} ms · retries of one message > ${thresholds.retries}; sampled every ${sampleMs} ms`);
    cleanups.push(async () => {
      const admin = await connectNats(nats.url);
      await teardownNats(admin.jsm);
      await admin.close();
    });
    const started = performance.now();
    const r = await runScriptedLoad({
      url: nats.url,
      thresholds,
      sampleMs,
      nakDelayMs: t.real ? t.get('nakDelayMs') : 150,
      ackWaitMs: t.get('ackWaitMs'),
      onAct: (_act, what) => out.say(`\n▶ ${what}`),
      onTransition: (tr, s) => {
        const fmt = (v: number) => (tr.metric === 'latencyMs' ? `${v.toFixed(0)} ms` : String(v));
        const line = `+${String(Math.round(tr.atMs)).padStart(5)} ms  ${tr.metric.padEnd(9)} ${fmt(tr.previous)} -> ${fmt(tr.value)} (threshold ${tr.threshold})`;
        if (tr.kind === 'fired') out.bad(`ALERT ${line}: ${ALERT_TEXT[tr.metric]}  [ack pending ${s.ackPending}, redelivered ${s.redelivered}]`);
        else out.ok(`clear ${line}`);
      },
    });
    const peak = r.samples.reduce((a, s) => (s.pending > a.pending ? s : a));
    out.say(`\n${r.samples.length} samples in ${((performance.now() - started) / 1000).toFixed(1)} s; peak backlog ${peak.pending} (+${Math.round(peak.atMs)} ms); ` +
      `${r.handled} deliveries handled; ${r.poisonOrder} dead-lettered into ${NAMES.dlqStream} at delivery 6.`);
    const poisonAct = r.acts.find((a) => a.act === 'poison')!;
    const maxRedelivered = Math.max(...r.samples.filter((x) => x.atMs >= poisonAct.startMs).map((x) => x.redelivered));
    out.say(`Meanwhile the server's num_redelivered never went above ${maxRedelivered}: it counts messages handed out again, not retries.`);

    out.step("The same numbers from nats-server's monitoring endpoint (-m): /jsz, /varz, /connz");
    let monitorUrl = f['monitor-url'] ?? ((await monitorAnswers('http://127.0.0.1:8222')) ? 'http://127.0.0.1:8222' : undefined);
    let url = nats.url;
    if (!monitorUrl) {
      const own = await PrivateNatsServer.start({ monitor: true }).catch(() => undefined);
      if (own) {
        cleanups.push(() => own.dispose());
        monitorUrl = own.monitorUrl!;
        url = own.url;
        out.say(`Your server has no monitoring port open, so this scene starts its own: nats-server -js -m ${own.monitorPort} (port ${own.port}).`);
      }
    }
    if (monitorUrl) {
      await compareMonitorViews(url, monitorUrl, out);
      out.say('Same numbers, no NATS client needed: this is what a Prometheus exporter or a dashboard scrapes.');
    } else {
      out.say('No monitoring endpoint: start nats-server with `-m 8222` (docker-compose.yml maps 8222) and run this again.');
    }

    out.step('Postgres (task_queue, lesson 01): depth, and the age of the oldest pending task');
    const db = await resolveDatabase({ prefix: `${scope.database}queue` });
    cleanups.push(() => db.close());
    const pool = pgPool(db.url, { max: 3 });
    cleanups.push(() => pool.end());
    const pg = await pgBacklog(pool, { burst: Math.round(thresholds.pending * 1.5), perStep: 50 });
    out.table(pg.samples.map((s) => ({ after: s.step, pending: s.pending, completed: s.completed, 'oldest pending': `${(s.oldestPendingMs / 1000).toFixed(1)} s` })));
    out.say('Depth says "1 task, all fine"; age says one customer has waited over a minute. Alert on both.');

    out.step('Redis (lesson 02): the queue list and the processing list');
    const redisService = await resolveRedis();
    cleanups.push(() => redisService.close());
    const redis = connectRedis(redisService.url);
    cleanups.push(async () => {
      await redis.del(NAMES.redisQueue, NAMES.redisProcessing);
      redis.disconnect();
    });
    const rr = await redisStuckWork(redis, { tasks: 20, crashHolding: 3 });
    out.table(rr.samples.map((s) => ({ after: s.step, [NAMES.redisQueue]: s.queued, [NAMES.redisProcessing]: s.processing })));
    out.say('The queue is empty but 3 tasks sit in the processing list with no worker: alert on "processing > 0 for longer than a task takes".');
  } finally {
    await done();
  }
});
