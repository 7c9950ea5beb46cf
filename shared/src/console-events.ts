// Lessons tell the live console (`pnpm console`) what their workers do: every delivery's outcome
// (ack, nak, term), and the drills' kills and restarts. Events go out on a core NATS subject,
// mq.console.events.<lesson>, and ONLY while a console is running: the console publishes a
// presence heartbeat, and a reporter stays silent unless it heard one in the last few seconds.
// Without a console a reporter costs one idle subscription and publishes nothing, so the demos
// run exactly as before. MQ_CONSOLE=off silences reporters even when a console runs.
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { PullWorkerOptions, WorkerEvent } from './worker/pull-worker';

/** The console publishes here every PRESENCE_INTERVAL_MS; reporters listen. */
export const CONSOLE_PRESENCE_SUBJECT = 'mq.console.presence';
/** A reporter that just started asks here once, so it need not wait for the next heartbeat. */
export const CONSOLE_PING_SUBJECT = 'mq.console.ping';
/** Events of all lessons: mq.console.events.<lesson>. */
export const CONSOLE_EVENTS_WILDCARD = 'mq.console.events.>';
export const PRESENCE_INTERVAL_MS = 1_000;
/** A reporter publishes only if the console was heard from within this window. */
export const PRESENCE_TTL_MS = 3_500;

export type ConsoleEventKind = 'ack' | 'nak' | 'term' | 'leave' | 'ack-error' | 'fetch-error' | 'kill' | 'restart' | 'note';

export interface ConsoleEvent {
  lesson: string;
  /** The swimlane: which worker (or, for kill/restart, which process or server) this is about. */
  worker: string;
  kind: ConsoleEventKind;
  /** Date.now() when it happened. */
  at: number;
  pid: number;
  stream?: string;
  consumer?: string;
  seq?: number;
  subject?: string;
  /** 1 for a first delivery; more means a redelivery. */
  deliveryCount?: number;
  detail?: string;
}

export type ConsoleEventInput = Omit<ConsoleEvent, 'lesson' | 'at' | 'pid'> & Partial<Pick<ConsoleEvent, 'at' | 'pid'>>;

export function consoleEventSubject(lesson: string): string {
  return `mq.console.events.${lesson.replace(/[^A-Za-z0-9_-]/g, '_') || 'unknown'}`;
}

/**
 * The lesson's name: the package pnpm runs (`pnpm --filter 04-queue-groups start`), else the lesson
 * scope of the stream (L12_ORDERS: "lesson 12"), else the connection's name.
 */
export function defaultLessonName(nc?: NatsConnection, stream?: string): string {
  const pkg = process.env.npm_package_name;
  if (pkg && pkg !== 'mq-lessons' && pkg !== 'console') return pkg;
  const scoped = /^([LX])(\d\d)_/.exec(stream ?? '');
  if (scoped) return `${scoped[1] === 'X' ? 'exercise' : 'lesson'} ${scoped[2]}`;
  return (nc as unknown as { options?: { name?: string } } | undefined)?.options?.name ?? 'unknown';
}

export class ConsoleReporter {
  private lastSeen = 0;
  private readonly off: boolean;
  /** Events from before the first ping's answer: sent if a console answers, dropped if none does. */
  private early?: ConsoleEvent[] = [];

  constructor(
    private readonly nc: NatsConnection,
    readonly lesson: string = defaultLessonName(nc),
  ) {
    this.off = /^(0|off|false|no)$/i.test(process.env.MQ_CONSOLE ?? '');
    if (this.off) {
      this.early = undefined;
      return;
    }
    try {
      const sub = nc.subscribe(CONSOLE_PRESENCE_SUBJECT, { callback: () => void (this.lastSeen = Date.now()) });
      void sub.closed.catch(() => {});
      // No console: the server answers "no responders" at once and nothing else happens.
      nc.request(CONSOLE_PING_SUBJECT, '', { timeout: 1_000 }).then(
        () => {
          this.lastSeen = Date.now();
          this.flushEarly();
        },
        () => (this.early = undefined),
      );
    } catch {
      // A closed connection: there is nobody to report to.
      this.early = undefined;
    }
  }

  /** True while a console has been heard from recently. */
  get active(): boolean {
    return !this.off && Date.now() - this.lastSeen < PRESENCE_TTL_MS && !this.nc.isClosed();
  }

  /** Worth building an event for: a console was heard, or the first ping is still out. */
  get listening(): boolean {
    return this.active || (!this.off && this.early !== undefined);
  }

  report(e: ConsoleEventInput): void {
    if (!this.listening) return;
    const event: ConsoleEvent = { at: Date.now(), pid: process.pid, lesson: this.lesson, ...e };
    if (!this.active) {
      if (this.early && this.early.length < 1_000) this.early.push(event);
      return;
    }
    if (this.early) this.flushEarly();
    this.send(event);
  }

  private flushEarly(): void {
    const early = this.early ?? [];
    this.early = undefined;
    early.forEach((e) => this.send(e));
  }

  private send(event: ConsoleEvent): void {
    try {
      this.nc.publish(consoleEventSubject(this.lesson), JSON.stringify(event));
    } catch {
      // Reporting is best effort: a lesson never fails because the console went away.
    }
  }
}

/**
 * For a moment without a connection at hand (a drill that just SIGKILLed a worker): connect, ask
 * whether a console runs, report if one answers, disconnect. Never throws; without a console it
 * costs one short-lived connection.
 */
export async function reportToConsole(url: string, e: ConsoleEventInput, lesson?: string): Promise<void> {
  if (/^(0|off|false|no)$/i.test(process.env.MQ_CONSOLE ?? '')) return;
  let nc: NatsConnection | undefined;
  try {
    const { connect } = await import('@nats-io/transport-node');
    nc = await connect({ servers: url, name: 'console-report', maxReconnectAttempts: 0 });
    await nc.request(CONSOLE_PING_SUBJECT, '', { timeout: 500 });
    const event: ConsoleEvent = { at: Date.now(), pid: process.pid, lesson: lesson ?? defaultLessonName(nc), ...e };
    nc.publish(consoleEventSubject(event.lesson), JSON.stringify(event));
    await nc.flush();
  } catch {
    // No console (no responders), or no server: nothing to report to.
  } finally {
    await nc?.close().catch(() => {});
  }
}

const reporters = new WeakMap<NatsConnection, ConsoleReporter>();

/** One reporter per connection (one presence subscription however many workers share it). */
export function consoleReporter(nc: NatsConnection, lesson?: string): ConsoleReporter {
  let r = reporters.get(nc);
  if (!r || (lesson && r.lesson !== lesson)) {
    r = new ConsoleReporter(nc, lesson);
    reporters.set(nc, r);
  }
  return r;
}

const workerCounts = new WeakMap<NatsConnection, Map<string, number>>();

/**
 * PullWorker's hook: wraps the worker's onEvent so every outcome is also reported to a running
 * console. The swimlane is "<connection name> · <consumer>" (04: "worker-1 · email-workers", 06:
 * one lane per partition's consumer), with #2, #3 for more workers of one consumer on one connection.
 */
/** What a PullWorker holds while a console may be watching: whether one is, and how to tell it. */
export interface ConsoleHook {
  readonly listening: boolean;
  report(e: WorkerEvent): void;
}

/**
 * The PullWorker's link to `pnpm console`: reports every outcome while a console is present, and
 * says `listening: false` otherwise, so the worker builds no event objects nobody reads.
 */
export function consoleHook(opts: Pick<PullWorkerOptions, 'js' | 'nc' | 'stream' | 'consumer'>): ConsoleHook | undefined {
  const nc = opts.nc ?? (opts.js as JetStreamClient & { nc?: NatsConnection }).nc;
  if (!nc || typeof nc.publish !== 'function') return undefined;
  const reporter = consoleReporter(nc, defaultLessonName(nc, opts.stream));
  const counts = workerCounts.get(nc) ?? new Map<string, number>();
  workerCounts.set(nc, counts);
  const n = (counts.get(opts.consumer) ?? 0) + 1;
  counts.set(opts.consumer, n);
  const name = `${(nc as unknown as { options?: { name?: string } }).options?.name ?? 'worker'} · ${opts.consumer}`;
  const worker = n === 1 ? name : `${name} #${n}`;
  return {
    get listening() {
      return reporter.listening;
    },
    report(e) {
      if (reporter.listening) reporter.report(toConsoleEvent(e, worker, opts.stream, opts.consumer));
    },
  };
}

function toConsoleEvent(e: WorkerEvent, worker: string, stream: string, consumer: string): ConsoleEventInput {
  if (e.type === 'fetch-error') return { kind: 'fetch-error', worker, stream, consumer, detail: e.error };
  const detail = e.type === 'nak' ? e.error ?? (e.delayMs ? `delay ${e.delayMs} ms` : undefined) : e.type === 'term' ? e.reason : e.type === 'ack-error' ? e.error : undefined;
  return { kind: e.type, worker, stream, consumer, seq: e.seq, subject: e.subject, deliveryCount: e.deliveryCount, detail };
}
