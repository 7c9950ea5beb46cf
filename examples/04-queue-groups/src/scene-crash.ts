// Scene: a worker dies mid-batch. The victim is a REAL process (src/cli/worker.ts) that acks its first
// order and hangs on the second (--stall-after 1), still holding the rest of its batch; we SIGKILL
// it there. Nothing tells the server: to it a hung worker and a dead one look the same, no ack. It
// redelivers those messages to the surviving workers once AckWait expires.
import { connectNats, deleteStreamIfExists, ensureDurable, makeOrder, publishJson, reportToConsole, STORY, waitFor, withTimeout, type TimelineEvent } from '@mq/shared';
import type { Processed } from './handler';
import { openGroup } from './group';
import { ensureQueueStream, SCENE_STREAM, SCOPE } from './setup';
import { spawnScript } from './spawn-script';
import { timeOfDay, todDiff, type WorkerLine } from './worker-line';
import type { DemoContext } from './demo-context';


export interface CrashOptions {
  url: string;
  stream: string;
  subject: string;
  durable: string;
  orders: number;
  workMs: number;
  /** The victim's batch: it acks one message, then holds batch - 1 unacked when it dies. */
  victimBatch: number;
  ackWaitMs: number;
  /** Live narration hook. */
  onNote?: (atMs: number, who: string, what: string) => void;
}

export interface CrashResult {
  victimPid: number;
  victimSignal: NodeJS.Signals | null;
  /** What the victim printed before it died (acks confirmed by the server). */
  victimLines: WorkerLine[];
  /** Everything the two surviving in-process workers settled. */
  survivors: Processed[];
  /** Survivor records of messages someone had been given before (delivery count > 1). */
  redelivered: Processed[];
  /** ms from the victim's "ready" line (printed just before its first fetch) to the kill / to the first redelivery. */
  killAfterReadyMs: number;
  firstRedeliveryAfterReadyMs: number;
  /** Time origin of the notes (Date.now()). */
  t0: number;
  stopped: Promise<void>;
}

export async function crashDrill(o: CrashOptions): Promise<CrashResult> {
  const admin = await connectNats(o.url, { name: 'crash-admin' });
  try {
    await deleteStreamIfExists(admin.jsm, o.stream);
    await ensureQueueStream(admin.jsm, o.stream, o.subject, SCENE_STREAM);
    await ensureDurable(admin.jsm, o.stream, o.durable, { filterSubject: o.subject, ackWaitMs: o.ackWaitMs });
    await Promise.all(Array.from({ length: o.orders }, (_, i) => publishJson(admin.js, o.subject, makeOrder(i + 1))));
  } finally {
    await admin.close();
  }

  const t0 = Date.now();
  const note = (who: string, what: string, at = Date.now()) => o.onNote?.(at - t0, who, what);
  let killTod = -1;
  const victim = spawnScript(
    'worker',
    ['--url', o.url, '--stream', o.stream, '--subject', o.subject, '--group', o.durable, '--id', '3', '--batch', String(o.victimBatch), '--work-ms', String(o.workMs), '--ack-wait-ms', String(o.ackWaitMs), '--stall-after', '1'],
    {
      onLine: (line) => note('worker 3', `${line.outcome} ${line.orderId} (delivery ${line.deliveryCount})`),
      onText: (text) => {
        const hang = / {2}(ORD-\d+) {2}delivery \d+ {2}hangs/.exec(text);
        if (!hang || killTod >= 0) return;
        note('worker 3', `hangs on ${hang[1]}, holding the rest of its batch of ${o.victimBatch} unacked`);
        victim.child.kill('SIGKILL');
        void reportToConsole(o.url, { kind: 'kill', worker: `worker-3 · ${o.durable}`, detail: `SIGKILL pid ${victim.pid}` }); // pnpm console
        killTod = timeOfDay();
        note('test', `SIGKILL -> pid ${victim.pid}`);
      },
    },
  );
  note('worker 3', `process started (pid ${victim.pid})`);

  let survivors: Awaited<ReturnType<typeof openGroup>> | undefined;
  try {
    const ready = await withTimeout(victim.ready, 20_000, 'worker 3 (a new process) getting ready');
    note('worker 3', 'ready, fetching');
    survivors = await openGroup({
      url: o.url,
      stream: o.stream,
      durable: o.durable,
      labels: ['1', '2'],
      workMs: o.workMs,
      batch: 1,
      onProcessed: (p) => {
        if (p.deliveryCount > 1) note(`worker ${p.worker}`, `got ${p.orderId} on delivery ${p.deliveryCount} (redelivered) and acked it`, p.at);
      },
    });
    survivors.start();
    note('workers 1+2', 'started, sharing the same durable');

    const exit = await withTimeout(victim.exited, 20_000, 'worker 3 to hang and be killed');
    note('worker 3', `gone (${exit.signal ?? `exit ${exit.code}`}); its unacked messages wait for AckWait (${o.ackWaitMs} ms)`);
    const group = survivors;
    const done = () => new Set([...victim.lines.filter((l) => l.outcome === 'ack').map((l) => l.orderId), ...group.records.filter((r) => r.outcome === 'ack').map((r) => r.orderId)]);
    await waitFor(() => done().size >= o.orders, { timeoutMs: 15_000 + o.ackWaitMs * 2 + o.orders * (o.workMs + 20), what: `all ${o.orders} orders acked by someone` });
    note('workers 1+2', `every one of the ${o.orders} orders is acked`);

    const redelivered = group.records.filter((r) => r.deliveryCount > 1);
    const firstRedelivery = Math.min(...redelivered.map((r) => r.startedAt));
    return {
      victimPid: victim.pid,
      victimSignal: exit.signal,
      victimLines: [...victim.lines],
      survivors: [...group.records],
      redelivered,
      killAfterReadyMs: todDiff(killTod, ready.todMs),
      firstRedeliveryAfterReadyMs: redelivered.length ? todDiff(timeOfDay(firstRedelivery), ready.todMs) : Number.NaN,
      t0,
      stopped: group.stop(),
    };
  } catch (err) {
    victim.child.kill('SIGKILL');
    await survivors?.stop();
    throw err;
  }
}

/** The demo's narration of this scene (main.ts runs it). */
export async function narrateCrash(c: DemoContext): Promise<void> {
  const { out, t, pending } = c;
  const ackWaitMs = t.get('ackWaitMs');
  out.step(`A worker dies mid-batch (AckWait ${t.describe('ackWaitMs')})`);
  out.say('Worker 3 is a real process (src/cli/worker.ts) fetching 4 orders at a time; workers 1 and 2 run in this process.');
  out.say('Worker 3 acks its first order, then its email call hangs on the second (--stall-after 1). We SIGKILL it');
  out.say('there, while it holds 3 unacked orders. The server is not told; a dead worker and a hung one look alike: no ack.');
  const events: TimelineEvent[] = [];
  const crash = await crashDrill({
    url: c.url,
    stream: SCOPE.stream('CRASH'),
    subject: SCOPE.subject('crash.email'),
    durable: 'email-workers',
    orders: 30,
    workMs: 100,
    victimBatch: 4,
    ackWaitMs,
    onNote: (atMs, who, what) => events.push({ atMs, who, what }),
  });
  pending.push(crash.stopped);
  out.timeline(events);
  out.ok(`worker 3 (pid ${crash.victimPid}) died of ${crash.victimSignal} ${crash.killAfterReadyMs} ms after it started fetching`);
  out.ok(`${crash.redelivered.length} orders came back with delivery count 2 (${crash.redelivered.map((p) => `${p.orderId} -> worker ${p.worker}`).join(', ')})`);
  out.ok(`the first one ${crash.firstRedeliveryAfterReadyMs} ms after worker 3 began fetching: not at the crash, after AckWait (${ackWaitMs} ms)`);
  const done = new Set([...crash.victimLines.map((l) => l.orderId), ...crash.survivors.filter((p) => p.outcome === 'ack').map((p) => p.orderId)]);
  out.ok(`${done.size} of 30 orders processed; none lost`);
  out.say(`The seed says unacked messages "are reassigned automatically" - true, but only after AckWait (${STORY.ackWaitMs / 1000} s in the story).`);
}
