// The check of 07-dead-letter: on a private nats-server with lesson 07's streams, an email worker
// runs the learner's onFailure whenever its handler throws. The relay refuses ORD-0001's domain
// (a poison message); three good orders follow it. The check reads the deliveries, the DLQ entry
// and its headers, then fixes the relay, redrives with lesson 07's redrive, and sees ORD-0001 sent once.
import { connectNats, ensureDurable, PullWorker, waitFor, type HandlerResult, type Nats } from '@mq/shared';
import { PrivateNatsServer } from '@mq/shared/services';
import { defineExercise, describeThrown, importUnderTest, type CheckContext, type Verdict } from '@mq/shared/workshop';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { redrive } from '../../src/redrive';
import { DLQ_STREAM, dlqSubjectFor, ORDERS_STREAM, setup, SUBJECTS } from '../../src/setup';

interface Solution {
  onFailure(msg: JsMsg, error: Error, ctx: { js: JetStreamClient; maxDeliveries: number; dlqSubject: string }): Promise<HandlerResult>;
}

const MAX_DELIVERIES = 4;
const POISON = 'ORD-0001';
const GOOD = ['ORD-0002', 'ORD-0003', 'ORD-0004'];
const ORIGINAL_SUBJECT = 'Dlq-Original-Subject';
const REASON = 'Dlq-Reason';
const REFUSAL = '550 5.1.2 mail.invalid: no MX record';

class RejectedError extends Error {
  override name = 'RejectedError';
}

async function check(ctx: CheckContext): Promise<Verdict> {
  const loaded = await importUnderTest<Solution>(ctx.modulePath, ['onFailure']);
  if (!loaded.ok) return loaded;
  const mod = loaded.module;
  ctx.log(`starting a private nats-server; ${POISON} (refused by the relay) then ${GOOD.join(', ')}`);
  const server = await PrivateNatsServer.start();
  let nats: Nats | undefined;
  let worker: PullWorker | undefined;
  try {
    nats = await connectNats(server.url, { name: '07-dead-letter check' });
    const { js, jsm } = nats;
    await setup(jsm, { fresh: true });
    await ensureDurable(jsm, ORDERS_STREAM, 'email-worker', { filterSubject: SUBJECTS.email, ackWaitMs: 5_000 });
    let relayFixed = false;
    const deliveries: { id: string; delivery: number; at: number }[] = [];
    const sent: string[] = [];
    const learnerErrors: string[] = [];
    worker = new PullWorker({
      js,
      stream: ORDERS_STREAM,
      consumer: 'email-worker',
      errorNakDelayMs: 100,
      backoff: { initialMs: 20, maxMs: 200 },
      handler: async (msg) => {
        const { orderId } = msg.json<{ orderId: string }>();
        deliveries.push({ id: orderId, delivery: msg.info.deliveryCount, at: performance.now() });
        try {
          if (orderId === POISON && !relayFixed) throw new RejectedError(REFUSAL);
          sent.push(orderId);
          return 'ack';
        } catch (err) {
          try {
            return await mod.onFailure(msg, err as Error, { js, maxDeliveries: MAX_DELIVERIES, dlqSubject: dlqSubjectFor(msg.subject) });
          } catch (thrown) {
            learnerErrors.push(describeThrown(thrown));
            throw thrown;
          }
        }
      },
    }).start();
    for (const id of [POISON, ...GOOD]) await js.publish(SUBJECTS.email, JSON.stringify({ orderId: id, email: id === POISON ? 'vip@mail.invalid' : 'a@b.example' }));

    const dlqCount = async () => (await jsm.streams.info(DLQ_STREAM)).state.messages;
    const poisonDeliveries = () => deliveries.filter((d) => d.id === POISON);
    await waitFor(async () => (await dlqCount()) > 0 || poisonDeliveries().length >= MAX_DELIVERIES + 4 || learnerErrors.length > 0, {
      timeoutMs: 8_000,
      what: 'a dead letter',
    }).catch(() => undefined);
    if (learnerErrors.length) return { ok: false, problems: [`onFailure threw: ${learnerErrors[0]}`] };
    const problems: string[] = [];
    if ((await dlqCount()) === 0) {
      const n = poisonDeliveries().length;
      return { ok: false, problems: [`${POISON} was delivered ${n} times and never dead-lettered: after ${MAX_DELIVERIES} deliveries it belongs in the DLQ`] };
    }
    // Let a nak'd-instead-of-termed message come back once, if it is going to.
    await new Promise((r) => setTimeout(r, 400));
    const letter = (await jsm.streams.getMessage(DLQ_STREAM, { seq: 1 }))!;
    const deadAt = poisonDeliveries().length;
    const lastDelivery = poisonDeliveries().at(-1)?.delivery ?? 0;
    if (deadAt < MAX_DELIVERIES) {
      problems.push(`${POISON} was dead-lettered after delivery ${deadAt}: a failure that may be transient gets ${MAX_DELIVERIES} deliveries ` +
        `(${MAX_DELIVERIES - 1} retries) before the DLQ`);
    } else if (lastDelivery > MAX_DELIVERIES || (await dlqCount()) > 1) {
      problems.push(`${POISON} was delivered again after it was dead-lettered (delivery ${lastDelivery}): end it with term() once the DLQ has it`);
    }
    const originalSubject = letter.header?.get(ORIGINAL_SUBJECT) ?? '';
    if (!originalSubject) problems.push(`the dead letter of ${POISON} has no ${ORIGINAL_SUBJECT} header: a redrive would not know where it came from`);
    else if (originalSubject !== SUBJECTS.email) problems.push(`the dead letter's ${ORIGINAL_SUBJECT} says "${originalSubject}", not ${SUBJECTS.email}`);
    const reason = letter.header?.get(REASON) ?? '';
    if (!reason.includes('550')) problems.push(`the dead letter of ${POISON} has no ${REASON} header with the relay's error ("${REFUSAL}")`);
    if (letter.subject !== dlqSubjectFor(SUBJECTS.email)) problems.push(`the dead letter went to ${letter.subject}, not ${dlqSubjectFor(SUBJECTS.email)}`);
    const goodSent = GOOD.filter((id) => sent.includes(id));
    if (goodSent.length !== GOOD.length) problems.push(`good orders were held up: only ${goodSent.join(', ') || 'none'} sent`);
    if (problems.length) return { ok: false, problems };

    ctx.log('relay fixed; redriving the DLQ');
    relayFixed = true;
    const redriven = await redrive(nats);
    await waitFor(() => sent.includes(POISON), { timeoutMs: 5_000, what: `${POISON} sent after the redrive` }).catch(() => undefined);
    const times = sent.filter((id) => id === POISON).length;
    if (times !== 1) return { ok: false, problems: [`after the redrive ${POISON}'s email was sent ${times} times, not once`] };
    if ((await dlqCount()) !== 0) return { ok: false, problems: ['the DLQ still holds entries after the redrive'] };
    return {
      ok: true,
      proved: [
        `${POISON} delivered ${MAX_DELIVERIES} times, then dead-lettered once to ${letter.subject} with ${ORIGINAL_SUBJECT} and ${REASON}: "${reason}"`,
        `the ${GOOD.length} good orders were sent while it was retried`,
        `redriven (${redriven.length} dead letter) and sent exactly once; the DLQ is empty`,
      ],
    };
  } catch (err) {
    return { ok: false, problems: [`the check could not run: ${describeThrown(err)}`] };
  } finally {
    await worker?.stop();
    await nats?.close();
    await server.dispose();
  }
}

export default defineExercise({
  id: '07-dead-letter',
  title: 'Dead-letter after N deliveries, with headers, then redrive',
  minutes: 15,
  goal: 'Retry a failed message with a delay until its last allowed delivery, then move it to the DLQ with its origin and reason in headers, and end it.',
  checks: [
    `run an email worker that calls your onFailure when the relay refuses ${POISON}; three good orders follow it`,
    `count ${POISON}'s deliveries: exactly ${MAX_DELIVERIES}, and none after it is dead-lettered`,
    `read the dead letter: subject <subject>.dlq, headers ${ORIGINAL_SUBJECT} and ${REASON}`,
    'fix the relay, redrive with lesson 07\'s redrive, and check the email is sent exactly once',
  ],
  check,
});
