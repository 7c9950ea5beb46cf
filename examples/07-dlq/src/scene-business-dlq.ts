// (a) The business layer decides: a poison order is retried with a delay and dead-lettered on its
// Nth failure while the good orders behind it go out; a malformed payload goes to the DLQ at once.
import { emailTask, makeOrder, publishJson, waitFor, type TimelineEvent } from '@mq/shared';
import { clip, type DemoContext } from './demo-context';
import { listDeadLetters, type DeadLetter } from './dead-letter';
import type { Outcome } from './dead-letter-policy';
import type { Attempt } from './handler';
import { SUBJECTS } from './setup';
import { startEmailWorker } from './worker';

export async function sceneBusinessDlq(ctx: DemoContext): Promise<void> {
  const { nats, out, nakDelayMs, maxDeliveries } = ctx;
  out.step(`(a) The business layer: up to ${maxDeliveries} deliveries, then dead-letter`);
  out.say(`nak delay between deliveries: ${ctx.nakDelayNote}`);
  const t0 = performance.now();
  const timeline: TimelineEvent[] = [];
  const outcomes: Outcome[] = [];
  let seen: Attempt[] = [];
  const onOutcome = (o: Outcome) => {
    outcomes.push(o);
    timeline.push({ atMs: performance.now() - t0, who: 'email-worker', what: describeOutcome(o, seen) });
  };
  const email = await startEmailWorker({ ...nats, ...ctx, email: ctx.shop.email, onOutcome });
  seen = email.seen;
  ctx.workers.push(email.worker);

  const poison = makeOrder(1, { email: 'vip@mail.invalid' });
  const good = [2, 3, 4, 5, 6].map((n) => makeOrder(n));
  out.say(`publishing ${poison.id} (to ${poison.email}; the relay rejects that domain) first, then ${good.map((o) => o.id).join(', ')}`);
  const poisonSeq = (await publishJson(nats.js, SUBJECTS.email, emailTask(poison))).seq;
  for (const o of good) await publishJson(nats.js, SUBJECTS.email, emailTask(o));
  const deadLettered = (seq: number) => outcomes.find((o) => o.kind === 'dead-lettered' && o.seq === seq);
  await waitFor(() => deadLettered(poisonSeq) && good.every((g) => ctx.shop.email.applied.includes(g.id)), {
    timeoutMs: maxDeliveries * nakDelayMs + 30_000,
    what: 'the poison dead-lettered and the good orders sent',
  });
  out.timeline(timeline);
  const poisonDeliveries = email.seen.filter((s) => s.seq === poisonSeq).length;
  const dlqAt = Math.round(timeline[outcomes.indexOf(deadLettered(poisonSeq)!)].atMs);
  const lastGood = Math.round(Math.max(...outcomes.filter((o) => o.kind === 'ok').map((o) => timeline[outcomes.indexOf(o)].atMs)));
  out.ok(`${poison.id} delivered ${poisonDeliveries} times, then dead-lettered and term()'d; ` +
    `the ${good.length} good orders were all sent by +${lastGood} ms, before it gave up at +${dlqAt} ms`);

  out.step('A malformed payload goes straight to the DLQ: no retry can fix it');
  const badSeq = (await nats.js.publish(SUBJECTS.email, 'order #1001 for bob')).seq;
  const malformed = await waitFor(() => deadLettered(badSeq), { what: 'the malformed payload dead-lettered' });
  out.ok(`"order #1001 for bob" dead-lettered on delivery ${malformed.delivery}: ${malformed.kind === 'dead-lettered' ? malformed.error : ''}`);

  out.step(`What the DLQ holds (read by sequence; nothing consumes it)`);
  out.table((await listDeadLetters(nats.jsm)).map(dlqRow));
}

function describeOutcome(o: Outcome, seen: Attempt[]): string {
  const key = seen.find((s) => s.seq === o.seq)?.key ?? `seq ${o.seq}`;
  switch (o.kind) {
    case 'ok':
      return `${key} sent (delivery ${o.delivery}) ✔`;
    case 'retry':
      return `${key} failed on delivery ${o.delivery}: ${o.error}; nak, retry in ${o.delayMs} ms`;
    case 'dead-lettered':
      return `${key} failed on delivery ${o.delivery}: dead-lettered (DLQ seq ${o.dlqSeq}, ${o.reason}) and term()'d`;
    case 'dlq-failed':
      return `${key}: could not write the dead letter (${o.dlqError}); nak, try again`;
  }
}

export function dlqRow(d: DeadLetter) {
  return {
    'dlq seq': d.dlqSeq,
    subject: d.dlqSubject,
    'orig seq': d.original.seq,
    consumer: d.consumer,
    deliveries: d.deliveries,
    reason: d.reason,
    'last error': clip(d.error),
  };
}
