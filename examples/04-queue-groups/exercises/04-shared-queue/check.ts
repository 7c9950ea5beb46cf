// The check of 04-shared-queue: three copies of the learner's worker run as three processes
// against a private nats-server; 24 orders are published; worker 3 hangs in the middle of its
// second email and is SIGKILLed there. Judged from what the workers printed (which worker
// started and finished which order) and from the consumers the server holds.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectNats, delay, lessonScope, makeOrder, waitFor } from '@mq/shared';
import { PrivateNatsServer } from '@mq/shared/services';
import { defineExercise, type Verdict } from '@mq/shared/workshop';
import { RetentionPolicy, StorageType } from '@nats-io/jetstream';

const scope = lessonScope('04', 'exercise');
const STREAM = scope.stream('ORDERS');
const SUBJECT = scope.subject('order.created');
const ORDERS = 24;
const WORK_MS = 100;
const ACK_WAIT_MS = 1_000;
const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Runs in each child: imports the learner's module and calls startWorker with a process() that
 * prints START/DONE lines; with STALL set, the order after that many hangs (a dead SMTP call).
 */
const HOST = `
const cfg = JSON.parse(process.env.X04_WORKER);
const { pathToFileURL } = await import('node:url');
const { connectNats } = await import('@mq/shared');
const { describeThrown } = await import('@mq/shared/workshop');
let started = 0;
try {
  const mod = await import(pathToFileURL(cfg.modulePath).href);
  const nats = await connectNats(cfg.url, { name: 'worker ' + cfg.id });
  const work = async (orderId) => {
    started += 1;
    console.log('START ' + cfg.id + ' ' + orderId);
    if (cfg.stallAfter && started > cfg.stallAfter) await new Promise(() => {});
    await new Promise((r) => setTimeout(r, cfg.workMs));
    console.log('DONE ' + cfg.id + ' ' + orderId);
  };
  console.log('READY ' + cfg.id);
  await mod.startWorker({ js: nats.js, jsm: nats.jsm, stream: cfg.stream, subject: cfg.subject, workerId: cfg.id, ackWaitMs: cfg.ackWaitMs, process: work });
} catch (err) {
  console.log('ERROR ' + cfg.id + ' ' + describeThrown(err).replace(/\\n/g, ' '));
  process.exit(1);
}`;

interface Worker {
  id: string;
  child: ChildProcess;
  lines: string[];
  exited: boolean;
}

export default defineExercise({
  id: '04-shared-queue',
  title: 'Three workers, one queue',
  minutes: 15,
  goal: 'Write one worker of a queue group so that three copies of it share the orders: each order emailed once, and a killed worker\'s order finished by the others.',
  checks: [
    `starts your file as three processes (workers 1, 2, 3) on a private nats-server and publishes ${ORDERS} orders`,
    'worker 3 hangs in the middle of its second email and is SIGKILLed there',
    `every order must be emailed exactly once, the dead worker's unfinished one by worker 1 or 2 after AckWait (${ACK_WAIT_MS} ms)`,
  ],
  async check(ctx): Promise<Verdict> {
    const server = await PrivateNatsServer.start();
    const workers: Worker[] = [];
    try {
      const admin = await connectNats(server.url, { name: 'check admin' });
      await admin.jsm.streams.add({ name: STREAM, subjects: [SUBJECT], retention: RetentionPolicy.Limits, storage: StorageType.Memory });
      for (const id of ['1', '2', '3']) workers.push(startHost(ctx.modulePath, server.url, id, id === '3' ? 1 : 0));
      ctx.log('three worker processes starting');
      const failed = () => workers.find((w) => w.lines.some((l) => l.startsWith('ERROR')) || w.exited);
      await waitFor(() => failed() || workers.every((w) => w.lines.includes(`READY ${w.id}`)), { timeoutMs: 15_000, what: 'three workers to start' });
      if (failed()) return notStarted(failed()!);
      ctx.log(`publishing ${ORDERS} orders`);
      for (let n = 1; n <= ORDERS; n++) await admin.js.publish(SUBJECT, JSON.stringify(makeOrder(n)));

      const victim = workers[2];
      const hung = () => victim.lines.filter((l) => l.startsWith('START')).length >= 2;
      const killed = await waitFor(() => failed() ?? (hung() || undefined), { timeoutMs: 8_000, what: 'worker 3 to start its second order' }).catch(() => undefined);
      if (killed && killed !== true) return notStarted(killed);
      if (killed === true) {
        victim.child.kill('SIGKILL');
        ctx.log(`worker 3 SIGKILLed while sending ${lastStarted(victim)}`);
      }
      const done = () => new Set(workers.flatMap((w) => doneBy(w)));
      await waitFor(() => done().size >= ORDERS, { timeoutMs: ACK_WAIT_MS + 6_000, what: 'every order done' }).catch(() => {});
      await delay(300); // an observation window: would a duplicate still show up?
      const consumers: string[] = [];
      for await (const c of admin.jsm.consumers.list(STREAM)) consumers.push(c.name);
      await admin.close();
      return judge(workers, killed === true, consumers);
    } finally {
      for (const w of workers) w.child.kill('SIGKILL');
      await server.dispose();
    }
  },
});

function startHost(modulePath: string, url: string, id: string, stallAfter: number): Worker {
  const cfg = { modulePath, url, id, stream: STREAM, subject: SUBJECT, ackWaitMs: ACK_WAIT_MS, workMs: WORK_MS, stallAfter };
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', HOST], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, X04_WORKER: JSON.stringify(cfg) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const w: Worker = { id, child, lines: [], exited: false };
  let partial = '';
  child.stdout!.on('data', (b: Buffer) => {
    const parts = (partial + b.toString()).split('\n');
    partial = parts.pop() ?? '';
    w.lines.push(...parts);
  });
  child.once('exit', () => (w.exited = true));
  process.once('exit', () => child.kill('SIGKILL'));
  return w;
}

const doneBy = (w: Worker) => w.lines.filter((l) => l.startsWith('DONE')).map((l) => l.split(' ')[2]);
const lastStarted = (w: Worker) => w.lines.filter((l) => l.startsWith('START')).at(-1)?.split(' ')[2] ?? '?';

function notStarted(w: Worker): Verdict {
  const error = w.lines.find((l) => l.startsWith('ERROR'))?.replace(/^ERROR \d /, '');
  return { ok: false, problems: [`worker ${w.id} stopped before doing any work${error ? `: ${error}` : ' (the process exited)'}`] };
}

function judge(workers: Worker[], killed: boolean, consumers: string[]): Verdict {
  const problems: string[] = [];
  if (!killed) problems.push('worker 3 never started a second order, so it could not be killed mid-work: did all three workers share the orders?');
  const byOrder = new Map<string, string[]>();
  for (const w of workers) for (const id of doneBy(w)) byOrder.set(id, [...(byOrder.get(id) ?? []), w.id]);
  const all = Array.from({ length: ORDERS }, (_, i) => makeOrder(i + 1).id);
  const doubles = all.filter((id) => (byOrder.get(id)?.length ?? 0) > 1).sort((a, b) => byOrder.get(b)!.length - byOrder.get(a)!.length);
  if (doubles.length) {
    const id = doubles[0];
    const why = consumers.length > 1
      ? `each worker has its own durable, so each gets every order (the server holds ${consumers.join(', ')}); give the three one shared durable name`
      : 'one durable, yet a second delivery: was the order acked only after AckWait ran out?';
    problems.push(`${id} was processed ${byOrder.get(id)!.length} times (by workers ${byOrder.get(id)!.join(', ')}): ${why}` +
      (doubles.length > 1 ? ` (${doubles.length} orders in all)` : ''));
  }
  const missing = all.filter((id) => !byOrder.has(id));
  const victimOrder = lastStarted(workers[2]);
  if (missing.includes(victimOrder) && killed) {
    problems.push(`${victimOrder} was never finished: worker 3 was killed while sending it, and workers 1 and 2 did not get it within AckWait + 6 s ` +
      `(is the consumer's AckWait s.ackWaitMs, and do they keep fetching?)`);
  }
  const others = missing.filter((id) => id !== victimOrder);
  if (others.length) problems.push(`${others.length} of ${ORDERS} orders were never emailed (${others.slice(0, 5).join(', ')}${others.length > 5 ? ', ...' : ''})`);
  if (problems.length) return { ok: false, problems };
  const share = workers.map((w) => `worker ${w.id}: ${doneBy(w).length}`).join(', ');
  const rescuer = workers.find((w) => doneBy(w).includes(victimOrder))?.id;
  return {
    ok: true,
    proved: [
      `${ORDERS} orders, each emailed exactly once (${share})`,
      `worker 3 was SIGKILLed mid-send of ${victimOrder}; worker ${rescuer} finished it after AckWait`,
      `one durable on the server: ${consumers.join(', ')}`,
    ],
  };
}
