// The check of 03-ack-decision: runs the learner's handle() as an email worker against a private
// nats-server and a mail server that misbehaves on purpose, then judges by what the server saw:
// how often each order was delivered, what the handler decided each time, the gap after a nak,
// and what is left in the stream. One worker "dies" in the middle of a send (its connection is
// closed), as in the chapter's crash scene.
import { connectNats, lessonScope, makeOrder, type Nats } from '@mq/shared';
import { PrivateNatsServer } from '@mq/shared/services';
import { defineExercise, describeThrown, NotWrittenYet, type Verdict } from '@mq/shared/workshop';
import { AckPolicy, RetentionPolicy, StorageType, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { EmailService, HandleOptions } from './exercise';

type Handle = (msg: JsMsg, email: EmailService, opts: HandleOptions) => Promise<void>;

const scope = lessonScope('03', 'exercise');
const STREAM = scope.stream('ORDERS');
const SUBJECT = scope.subject('order.email');
const OPTS: HandleOptions = { nakDelayMs: 300, maxDeliveries: 4 };
const ACK_WAIT_MS = 1_000;
const [OK, FLAKY, BROKEN, CRASH] = [1, 2, 3, 4].map((n) => makeOrder(n).id);

interface Seen {
  orderId: string;
  deliveryCount: number;
  atMs: number;
  /** What the handler told the server: ack, ackAck, nak(300), term, or nothing. */
  calls: string[];
  threw?: string;
}

export default defineExercise({
  id: '03-ack-decision',
  title: 'Decide ack, nak with a delay, or term',
  minutes: 10,
  goal: 'Write the email worker\'s decision for one delivery: ack after the email went out, nak with a delay when the mail server fails (until the last allowed delivery), term a payload that can never parse.',
  checks: [
    `${OK}: the mail server works: it must be acked once, on delivery 1`,
    `${FLAKY}: the mail server fails twice: nak'd with a delay of at least ${OPTS.nakDelayMs} ms each time, acked on delivery 3`,
    `${BROKEN}: a payload that is not JSON: termed on delivery 1, never seen again`,
    `${CRASH}: the worker dies in the middle of the send: the order must come back after AckWait and be sent`,
    'at the end nothing may be left in the stream',
  ],
  async check(ctx): Promise<Verdict> {
    const mod = (await import(ctx.modulePath)) as { handle?: Handle };
    if (typeof mod.handle !== 'function') return { ok: false, problems: ['the file does not export a function handle(msg, email, opts)'] };
    const server = await PrivateNatsServer.start();
    try {
      return await run(mod.handle, server.url, ctx.log);
    } finally {
      await server.dispose();
    }
  },
});

async function run(handle: Handle, url: string, log: (line: string) => void): Promise<Verdict> {
  const admin = await connectNats(url, { name: 'check admin' });
  await admin.jsm.streams.add({ name: STREAM, subjects: [SUBJECT], retention: RetentionPolicy.Workqueue, storage: StorageType.Memory });
  await admin.jsm.consumers.add(STREAM, { durable_name: 'email-worker', ack_policy: AckPolicy.Explicit, ack_wait: nanos(ACK_WAIT_MS) });
  const payload = (id: string) => JSON.stringify({ orderId: id, email: 'user@example.com', subject: 'Order confirmation' });
  log(`publishing ${OK}, ${FLAKY}, ${BROKEN} (not JSON) and ${CRASH}`);
  for (const id of [OK, FLAKY]) await admin.js.publish(SUBJECT, payload(id));
  await admin.js.publish(SUBJECT, `{"orderId": "${BROKEN}", "email": `);
  await admin.js.publish(SUBJECT, payload(CRASH));

  const sent: string[] = [];
  let flakyCalls = 0;
  let crash: () => void = () => {};
  let crashed = false;
  const email: EmailService = {
    async send(orderId) {
      if (orderId === FLAKY && ++flakyCalls <= 2) throw new Error('SMTP 451: try again later');
      if (orderId === CRASH && !crashed) {
        crashed = true;
        crash(); // the worker process dies here, mid-send
        return new Promise<never>(() => {});
      }
      sent.push(orderId);
    },
  };

  const seen: Seen[] = [];
  const t0 = performance.now();
  let worker: Nats = await connectNats(url, { name: 'check worker 1' });
  const settled = (id: string) => seen.some((s) => s.orderId === id && s.calls.some((c) => c.startsWith('ack') || c === 'term'));
  const deadline = t0 + 8_000;
  while (performance.now() < deadline) {
    if ([OK, FLAKY, CRASH].every(settled) && performance.now() - lastDelivery(seen, t0) > 600) break;
    if (seen.filter((s) => s.orderId === BROKEN).length > 20) break;
    const msg = await (await worker.js.consumers.get(STREAM, 'email-worker')).next({ expires: 1_000 });
    if (!msg) continue;
    const s: Seen = { orderId: orderOf(msg), deliveryCount: msg.info.deliveryCount, atMs: performance.now() - t0, calls: [] };
    seen.push(s);
    const died = new Promise<'died'>((resolve) => (crash = () => resolve('died')));
    const outcome = await Promise.race([handle(spy(msg, s.calls), email, OPTS).then(() => 'returned' as const), died]).catch((err: unknown) => {
      s.threw = describeThrown(err);
      return err instanceof NotWrittenYet ? ('todo' as const) : ('threw' as const);
    });
    if (outcome === 'todo') return { ok: false, problems: [`handle() is not written yet: ${s.threw}`] };
    if (outcome === 'died') {
      log(`worker 1 dies while sending ${s.orderId}; worker 2 takes over`);
      await worker.nc.flush(); // whatever it had sent before dying did reach the server
      await worker.close();
      worker = await connectNats(url, { name: 'check worker 2' });
    }
  }
  await worker.close();
  const left = (await admin.jsm.streams.info(STREAM)).state.messages;
  await admin.close();
  return judge(seen, sent, left);
}

function judge(seen: Seen[], sent: string[], left: number): Verdict {
  const of = (id: string) => seen.filter((s) => s.orderId === id);
  const decisions = (id: string) => of(id).map((s) => s.calls.join('+') || 'nothing');
  const problems: string[] = [];
  for (const s of seen) {
    if (s.threw) problems.push(`handle() threw on ${s.orderId}'s delivery ${s.deliveryCount} (${s.threw}): a worker must decide, not crash`);
  }

  const broken = of(BROKEN);
  if (broken.length && broken[0].calls.includes('term') && broken.length === 1) {
    // right
  } else if (broken.some((s) => s.calls.some((c) => c.startsWith('nak')))) {
    problems.push(`${BROKEN}'s payload does not parse, yet it was nak'd and delivered ${broken.length} times: bytes that do not parse never will; term() it on its first delivery`);
  } else {
    problems.push(`${BROKEN}'s payload does not parse; delivery 1 got ${decisions(BROKEN)[0] ?? 'no delivery'}: term() it, so it is never delivered again`);
  }

  // A malformed message spinning through deliveries stopped the check there: the rest is not judged.
  if (broken.length > 20) return { ok: false, problems };

  const ok = of(OK);
  if (sent.filter((id) => id === OK).length !== 1) problems.push(`${OK} was emailed ${sent.filter((id) => id === OK).length} times instead of once`);
  if (ok.length !== 1 || !ok[0].calls.some((c) => c.startsWith('ack'))) {
    problems.push(`${OK} sent fine, yet its deliveries were decided as ${decisions(OK).join(', ')}: ack it once the email is sent`);
  }

  const flaky = of(FLAKY);
  const wanted = [`nak(${OPTS.nakDelayMs})`, `nak(${OPTS.nakDelayMs})`];
  if (flaky.slice(0, 2).map((s) => s.calls.join('+')).join() !== wanted.join() || !flaky[2]?.calls.some((c) => c.startsWith('ack')) || flaky.length !== 3) {
    problems.push(`${FLAKY}'s email failed twice then worked; its deliveries were decided as ${decisions(FLAKY).join(', ')}: ` +
      `nak(opts.nakDelayMs) after a failed send, ack after the one that worked`);
  }
  for (let i = 1; i < flaky.length; i++) {
    const gap = Math.round(flaky[i].atMs - flaky[i - 1].atMs);
    if (flaky[i - 1].calls.some((c) => c.startsWith('nak')) && gap < OPTS.nakDelayMs - 20) {
      problems.push(`${FLAKY} came back ${gap} ms after its nak on delivery ${i}: nak with opts.nakDelayMs (${OPTS.nakDelayMs} ms), so a struggling mail server gets a rest`);
    }
  }

  const crash = of(CRASH);
  if (!sent.includes(CRASH)) {
    const early = crash[0]?.calls.some((c) => c.startsWith('ack'));
    problems.push(early
      ? `${CRASH} was lost: it was acked before the email was sent, and the worker died during the send, so nothing was left to redeliver; ack after the work`
      : `${CRASH} was never emailed: after the worker died mid-send it should have come back after AckWait (${ACK_WAIT_MS} ms) and been sent`);
  }

  if (left > 0 && !problems.some((p) => p.startsWith(BROKEN))) problems.push(`${left} message(s) were still in the stream at the end: every delivery must end in ack or term`);
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    proved: [
      `${BROKEN} (not JSON) termed on delivery 1 and never delivered again`,
      `${FLAKY} nak'd twice, back after ${Math.round(flaky[1].atMs - flaky[0].atMs)} and ${Math.round(flaky[2].atMs - flaky[1].atMs)} ms, acked on delivery 3`,
      `${OK} acked once; ${CRASH} came back as delivery ${crash.at(-1)?.deliveryCount} after its worker died, and was sent`,
      'the stream is empty',
    ],
  };
}

/** Record what the handler tells the server, and pass it on. */
function spy(msg: JsMsg, calls: string[]): JsMsg {
  return new Proxy(msg, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === 'nak') return (d?: number) => (calls.push(d ? `nak(${d})` : 'nak'), target.nak(d));
      if (prop === 'ack' || prop === 'ackAck' || prop === 'term' || prop === 'working') {
        return (...args: unknown[]) => (calls.push(String(prop)), (value as (...a: unknown[]) => unknown).apply(target, args));
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}

function orderOf(msg: JsMsg): string {
  return /"orderId": ?"([^"]+)"/.exec(msg.string())?.[1] ?? `seq ${msg.seq}`;
}

function lastDelivery(seen: Seen[], t0: number): number {
  return t0 + (seen.at(-1)?.atMs ?? 0);
}

