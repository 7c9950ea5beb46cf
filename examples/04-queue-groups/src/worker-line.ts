// The one line a worker prints per message (which worker, which order, which delivery, what it
// did), and its parser: the tests read real worker processes' output through the same format.

/** What happened to a message: PullWorker's outcomes ("ack-error": done, but the server never confirmed the ack). */
export type Outcome = 'ack' | 'nak' | 'term' | 'leave' | 'ack-error';

export interface WorkerLine {
  /** Local time of day in ms since midnight (the clock prefix). */
  todMs: number;
  worker: string;
  orderId: string;
  deliveryCount: number;
  outcome: Outcome;
  note?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** "14:03:07.250" for a Date.now() value, in local time. */
export function clock(epochMs: number = Date.now()): string {
  const d = new Date(epochMs);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Milliseconds since local midnight, the unit the clock prefix carries. */
export function timeOfDay(epochMs: number = Date.now()): number {
  const d = new Date(epochMs);
  return ((d.getHours() * 60 + d.getMinutes()) * 60 + d.getSeconds()) * 1000 + d.getMilliseconds();
}

/** later - earlier in time-of-day ms, correct across midnight for spans under a day. */
export function todDiff(later: number, earlier: number): number {
  return (((later - earlier) % DAY_MS) + DAY_MS) % DAY_MS;
}

export function formatWorkerLine(l: Omit<WorkerLine, 'todMs'>, epochMs = Date.now()): string {
  const head = `${clock(epochMs)}  worker ${l.worker}  ${l.orderId}  delivery ${l.deliveryCount}  ${l.outcome}`;
  return l.note ? `${head}  (${l.note})` : head;
}

const LINE = /^(\d\d):(\d\d):(\d\d)\.(\d{3}) {2}worker (\S+) {2}(\S+) {2}delivery (\d+) {2}(ack|nak|term|leave|ack-error)(?: {2}\((.*)\))?$/;

/** Parse one printed line; undefined for anything else (banners, errors). */
export function parseWorkerLine(line: string): WorkerLine | undefined {
  const m = LINE.exec(line.trimEnd());
  if (!m) return undefined;
  const [, h, min, s, ms, worker, orderId, dc, outcome, note] = m;
  return {
    todMs: ((Number(h) * 60 + Number(min)) * 60 + Number(s)) * 1000 + Number(ms),
    worker,
    orderId,
    deliveryCount: Number(dc),
    outcome: outcome as Outcome,
    ...(note !== undefined ? { note } : {}),
  };
}

const READY = /^(\d\d):(\d\d):(\d\d)\.(\d{3}) {2}worker (\S+) ready/;

/** The worker's "ready" banner: printed once, just before its first fetch. */
export function parseReadyLine(line: string): { todMs: number; worker: string } | undefined {
  const m = READY.exec(line);
  if (!m) return undefined;
  const [, h, min, s, ms, worker] = m;
  return { todMs: ((Number(h) * 60 + Number(min)) * 60 + Number(s)) * 1000 + Number(ms), worker };
}
