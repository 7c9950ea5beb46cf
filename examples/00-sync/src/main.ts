// The chapter's demo: one synchronous order flow, four scenes (healthy, inventory down, SMTP hanging,
// points failing half way) and a load run that shows why the design cannot survive 500 orders/s.
// Deep imports of the few shared modules this lesson needs: the '@mq/shared' index also loads the
// NATS, Redis and Postgres clients, which would double the demo's start-up time for nothing.
import { intFlag, parseFlags, runMain } from '@mq/shared';
import { createOutput, type Cell, type Output } from '@mq/shared';
import { STORY_LATENCY_MS } from '@mq/shared';
import { STORY, timings } from '@mq/shared';
import { backlogAfter, maxThroughputPerS, requiredConcurrency } from './capacity';
import { runLoad, type LoadResult } from './load';
import { callList, callsFor, orderState, stateRows } from './order-state';
import { emailTimesOut, happyPath, healthyLatencyMs, inventoryDown, inventoryDownRollbackFails, pointsFail, type Scene } from './scenarios';
import { requestTimeline } from './timeline';

const USAGE = `usage: pnpm --filter 00-sync start [-- options]

  --fast            divide every latency by 10 (the whole demo in ~1 s; used by the tests)
  --real-timings    the story's own 30 s SMTP timeout (scene 3 then takes ~30 s)
  --rate N          orders per second arriving in the load run (default 500, the flash sale)
  --handlers N      request handlers serving them in parallel (default 10)
  -h, --help        this text`;

const round = (n: number) => Math.round(n);
const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
/** Rounded but still a number, so tables right-align it. */
const num = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  const flags = parseFlags(USAGE, {
    fast: { type: 'boolean' },
    'real-timings': { type: 'boolean' },
    rate: { type: 'string' },
    handlers: { type: 'string' },
  });
  const t = timings(); // reads --real-timings / MQ_REAL_TIMINGS itself
  const rate = intFlag('rate', flags.rate, 500, 1, 100_000);
  const handlers = intFlag('handlers', flags.handlers, 10, 1, 1_000);
  const scale = flags.fast ? 0.1 : 1;
  const smtpTimeoutMs = t.get('smtpTimeoutMs') * scale;
  const healthyMs = healthyLatencyMs(scale);
  const out = createOutput();

  out.chapter('00-sync', 'One request does everything', '#00-sync');
  out.say(
    'No server needed: the orders DB, inventory, email, points and push services are in-process fakes\n' +
      `(createShop from @mq/shared) with the story's latencies ${Object.values(STORY_LATENCY_MS).join(' + ')} = ${healthyLatencyMs()} ms.`,
  );
  if (flags.fast) out.say(`--fast: every latency is divided by 10, so a healthy order takes ${healthyMs} ms instead of ${healthyLatencyMs()} ms.`);

  // Scene 1 ----------------------------------------------------------------------------------
  out.step('Happy path: five calls, one after another, while the user waits');
  const happy = await happyPath({ scale });
  show(out, happy);
  out.table(
    callsFor(happy.shop, happy.result.orderId).map((c) => ({ service: c.service, op: c.op, 'took ms': round(c.endedMs - c.startedMs) })),
    ['service', 'op', 'took ms'],
  );
  const stepSum = callsFor(happy.shop, happy.result.orderId).reduce((s, c) => s + (c.endedMs - c.startedMs), 0);
  out.ok(`The user waited ${round(happy.result.latencyMs)} ms: the sum of the five steps (${round(stepSum)} ms measured, ${healthyMs} ms nominal).`);
  out.say('The product manager wants under 100 ms. Calling in turn, the request can never be faster than the sum.');

  // Scene 2 ----------------------------------------------------------------------------------
  out.step('Inventory service down: the whole order fails');
  const down = await inventoryDown({ scale });
  show(out, down);
  out.say(`Calls made: ${callList(down.shop, down.result.orderId).join(', ')}`);
  out.table(stateRows(orderState(down.shop, down.result.orderId)));
  out.bad(`Order refused (${down.result.error}). Email, points and push were never called.`);
  out.say(
    "The order row was already committed, so the seed's db.Rollback is really a second write (a delete)\n" +
      'that can fail on its own. Same fault, but the orders DB drops out right after the insert:',
  );
  const orphan = await inventoryDownRollbackFails({ scale });
  show(out, orphan);
  out.table(stateRows(orderState(orphan.shop, orphan.result.orderId)));
  out.bad(`The user was told the order failed, yet its row is still stored: an orphan nobody will clean up.`);

  // Scene 3 ----------------------------------------------------------------------------------
  out.step('Email server hangs: the user waits for the SMTP timeout');
  out.say(`SMTP client timeout: ${t.describe('smtpTimeoutMs')}${flags.fast ? `; ÷ 10 by --fast = ${smtpTimeoutMs} ms` : ''}.`);
  const slow = await emailTimesOut({ scale, smtpTimeoutMs });
  show(out, slow);
  out.table(stateRows(orderState(slow.shop, slow.result.orderId)));
  out.bad(
    `The user waited ${round(slow.result.latencyMs)} ms = the ${round(smtpTimeoutMs)} ms timeout + the other four steps ` +
      `(${round(healthyMs - STORY_LATENCY_MS.email * scale)} ms), and the email was not even sent.`,
  );
  out.say(`The story's P99 jumps from ~500 ms to ${STORY.smtpTimeoutMs / 1000} s: one slow mailbox holds every order hostage.`);

  // Scene 4 ----------------------------------------------------------------------------------
  out.step('Points service fails after order, stock and email went through');
  const partial = await pointsFail({ scale });
  show(out, partial);
  out.table(stateRows(orderState(partial.shop, partial.result.orderId)));
  out.bad(
    `The request answered "${partial.result.outcome}": the order is half applied. It cannot be rolled back ` +
      '(the email is out) and nothing records that the points are still owed, only a log line.',
  );
  out.say('The seed logs the points error and carries on, so the push notification is still sent.');

  // Scene 5 ----------------------------------------------------------------------------------
  out.step(`Flash sale: ${fmt(rate)} orders/s against ${handlers} request handlers (Little's law)`);
  const storySmtpRow = STORY.smtpTimeoutMs + healthyLatencyMs() - STORY_LATENCY_MS.email;
  const scaledSmtpRow = t.get('smtpTimeoutMs') + healthyLatencyMs() - STORY_LATENCY_MS.email;
  const theory = [
    { case: 'healthy', latency: healthyLatencyMs() },
    ...(t.real ? [] : [{ case: `SMTP hangs ${t.get('smtpTimeoutMs') / 1000} s (scaled)`, latency: scaledSmtpRow }]),
    { case: `SMTP hangs ${STORY.smtpTimeoutMs / 1000} s (story)`, latency: storySmtpRow },
  ];
  out.say('In flight = arrival rate x time each order holds a handler:');
  out.table(
    theory.map((r): Record<string, Cell> => ({
      case: r.case,
      'ms per order': r.latency,
      [`in flight needed at ${rate}/s`]: num(requiredConcurrency(rate, r.latency)),
      [`${handlers} handlers max orders/s`]: num(maxThroughputPerS(handlers, r.latency), 2),
      'backlog grows per s': num(backlogAfter(rate, maxThroughputPerS(handlers, r.latency), 1)),
    })),
  );
  out.say(`(The story rounds the timeout case to ${fmt(rate)} x ${STORY.smtpTimeoutMs / 1000} s = ${fmt(requiredConcurrency(rate, STORY.smtpTimeoutMs))}.)`);

  const timeScale = 10;
  const durationMs = flags.fast ? 2_000 : 10_000;
  // Room for each handler to finish two slow orders (one with --fast).
  const smtpDurationMs = Math.max(durationMs, (flags.fast ? 1 : 2) * scaledSmtpRow);
  out.say(`\nMeasured: the same flow under load, time compressed ${timeScale}x (${durationMs / 1000} story seconds run in ${durationMs / timeScale / 1000} s).`);
  const [healthyRun, smtpRun] = await Promise.all([
    runLoad({ arrivalPerS: rate, handlers, durationMs, timeScale }),
    runLoad({ arrivalPerS: rate, handlers, durationMs: smtpDurationMs, timeScale, smtpTimeoutMs: t.get('smtpTimeoutMs') }),
  ]);
  const row = (name: string, r: LoadResult, d: number): Record<string, Cell> => ({
    run: name,
    'story s': d / 1000,
    arrived: r.arrived,
    completed: r.completed,
    'ms per order': round(r.meanLatencyMs),
    'predicted /s': num(maxThroughputPerS(handlers, r.meanLatencyMs)),
    'achieved /s': num(r.achievedPerS),
    'still waiting': r.backlog,
    'last one waited s': num(r.lastWaitMs / 1000),
  });
  out.table([row('healthy', healthyRun, durationMs), row(`SMTP hangs ${t.get('smtpTimeoutMs') / 1000} s`, smtpRun, smtpDurationMs)]);
  if (healthyRun.meanLatencyMs > 1.2 * healthyLatencyMs()) {
    out.say(
      `(Orders took ${round(healthyRun.meanLatencyMs)} ms, not ${healthyLatencyMs()}: compressed 10x, every millisecond this machine's timers run late
` +
        ' counts ten times. Throughput still follows handlers / measured latency, as predicted.)',
    );
  }
  out.say('The healthy run, second by second (story time):');
  out.table(
    healthyRun.samples.map((s) => ({ 'at s': s.atMs / 1000, arrived: s.arrived, completed: s.completed, 'in flight': s.inFlight, 'waiting in line': s.backlog })),
  );
  const capacity = `at most ${handlers} / ${healthyLatencyMs() / 1000} s = ${fmt(maxThroughputPerS(handlers, healthyLatencyMs()))}`;
  const needs = `Keeping up needs ${fmt(requiredConcurrency(rate, healthyLatencyMs()))} in flight; with the story's SMTP timeout, ${fmt(requiredConcurrency(rate, storySmtpRow), 0)}.`;
  if (healthyRun.backlog > handlers) {
    out.bad(
      `${handlers} handlers finished ${fmt(healthyRun.achievedPerS)} orders/s (${capacity}) while ${fmt(rate)}/s arrive: ` +
        `the line grows by ~${fmt(rate - healthyRun.achievedPerS, 0)} every second. ${needs}`,
    );
  } else {
    out.ok(`${fmt(rate)}/s is within what ${handlers} handlers can do (${capacity}/s): no line forms. ${needs}`);
  }
  out.say('Next chapter (01-db-queue): take email, points and push out of the request and queue them.');
}

/** Print one scene: its timeline and what the request answered. */
function show(out: Output, { shop, result }: Scene): void {
  out.timeline(requestTimeline(shop, result));
  for (const line of result.logged) out.say(`log.Error: ${line}`);
  for (const err of result.ignored) out.say(`(dropped without a log line: ${err})`);
}

runMain(main);
