// A Jepsen-style history of what happened to each item, and the checker that turns it into
// findings a learner can read. Generalises 10-cluster's publish checker (src/history.ts there) to
// the whole life of a message: a publish attempt is ok (a PubAck came back), failed (the broker
// certainly did not take it) or unknown (a timeout or a broken connection: it may have landed);
// then workers process it (worker W, delivery D, at time T) and ack it. From the history and what
// the stream holds afterwards, checkHistory finds acknowledged items that were lost, items stored or
// processed more than once (naming the workers and deliveries), and per-key order violations.

export type PublishOutcome = 'ok' | 'failed' | 'unknown';

export interface PublishEvent {
  kind: 'publish';
  id: string;
  /** 1 for the first attempt at this id, 2 for its first retry, ... */
  attempt: number;
  /** ms since the history started */
  at: number;
  completedAt: number;
  outcome: PublishOutcome;
  /** For ok: the stream sequence, and whether the broker called it a duplicate of an earlier attempt. */
  seq?: number;
  duplicate?: boolean;
  error?: string;
  key?: string;
}

export interface ProcessedEvent {
  kind: 'processed';
  id: string;
  worker: string;
  /** The broker's delivery count (1 for a first delivery), when known. */
  delivery?: number;
  at: number;
  key?: string;
}

export interface AckedEvent {
  kind: 'acked';
  id: string;
  worker: string;
  delivery?: number;
  at: number;
}

export type HistoryEvent = PublishEvent | ProcessedEvent | AckedEvent;

export interface PublishHandle {
  ok(ack?: { seq?: number; duplicate?: boolean }): void;
  failed(error?: unknown): void;
  unknown(error?: unknown): void;
}

/**
 * Only an answer that proves the item was not stored makes a publish `failed`: no responders (no
 * stream leader took the request) or an error reply from JetStream. Timeouts and broken
 * connections are `unknown`: the broker may have stored it and lost only the answer.
 */
export function classifyPublishError(err: unknown): Exclude<PublishOutcome, 'ok'> {
  const name = err instanceof Error ? err.name : '';
  if (name === 'JetStreamNotEnabled' || name === 'NoResponders' || name === 'NoRespondersError' || name === 'JetStreamApiError') {
    return 'failed';
  }
  return 'unknown';
}

const errorText = (err: unknown) => (err === undefined ? undefined : err instanceof Error ? err.name || err.message : String(err));

/** Records events as they happen; `events` is the history checkHistory judges. */
export class HistoryRecorder {
  readonly events: HistoryEvent[] = [];
  private readonly attempts = new Map<string, number>();
  private readonly started: number;

  constructor(private readonly clock: () => number = () => performance.now()) {
    this.started = clock();
  }

  now(): number {
    return Math.round(this.clock() - this.started);
  }

  /** A publish attempt begins; settle it with ok / failed / unknown (or `settle(err)`). */
  publish(id: string, opts: { key?: string } = {}): PublishHandle {
    const attempt = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, attempt);
    const at = this.now();
    let done = false;
    const end = (outcome: PublishOutcome, extra: Partial<PublishEvent>) => {
      if (done) return;
      done = true;
      this.events.push({ kind: 'publish', id, attempt, at, completedAt: this.now(), outcome, ...(opts.key ? { key: opts.key } : {}), ...extra });
    };
    return {
      ok: (ack = {}) => end('ok', { seq: ack.seq, duplicate: ack.duplicate ?? false }),
      failed: (error) => end('failed', { error: errorText(error) }),
      unknown: (error) => end('unknown', { error: errorText(error) }),
    };
  }

  /** A publish attempt ended with this error: failed or unknown, by classifyPublishError. */
  publishFailed(handle: PublishHandle, err: unknown): void {
    if (classifyPublishError(err) === 'failed') handle.failed(err);
    else handle.unknown(err);
  }

  processed(id: string, worker: string, opts: { delivery?: number; key?: string } = {}): void {
    this.events.push({ kind: 'processed', id, worker, at: this.now(), ...opts });
  }

  acked(id: string, worker: string, opts: { delivery?: number } = {}): void {
    this.events.push({ kind: 'acked', id, worker, at: this.now(), ...opts });
  }
}

export type FindingKind = 'lost-acked' | 'never-processed' | 'stored-twice' | 'failed-but-stored' | 'processed-twice' | 'out-of-order';

export interface Finding {
  kind: FindingKind;
  id: string;
  /** One sentence in the learner's language, naming the item and what happened to it. */
  sentence: string;
}

export interface HistoryCheckOptions {
  /** The ids the stream holds afterwards, in stream order (an id twice if stored twice). */
  stored?: readonly string[];
  /** Every acknowledged item must also have been processed and acked by some worker. */
  requireProcessed?: boolean;
  /** Name of a worker in sentences ("worker 2"); default: the worker string as recorded. */
  workerName?: (worker: string) => string;
}

export interface HistoryCheck {
  valid: boolean;
  findings: Finding[];
  stats: {
    attempts: Record<PublishOutcome, number>;
    /** Ids with at least one PubAck. */
    acked: number;
    /** Unknown attempts that turned out to have landed (a later retry was told "duplicate"). */
    unknownLanded: number;
    /** Stored ids that never got a PubAck (unknown attempts that landed and were never retried). */
    storedWithoutAck: string[];
    processed: number;
  };
}

const TIMES = ['never', 'once', 'twice', 'three times'];
const times = (n: number) => TIMES[n] ?? `${n} times`;

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}

/** Why an item was processed again: the chapter's explanation for each pair of deliveries. */
function secondDeliveryReason(first: ProcessedEvent, second: ProcessedEvent, acks: AckedEvent[], name: (w: string) => string): string {
  const w1 = name(first.worker);
  const w2 = name(second.worker);
  const sameDelivery = (a: AckedEvent) => first.delivery === undefined || a.delivery === undefined || a.delivery === first.delivery;
  const firstAck = acks.find((a) => a.worker === first.worker && sameDelivery(a));
  const again = first.worker === second.worker ? `${w1} got it again` : `${w2} got it`;
  if (second.delivery === 1 && (first.delivery === 1 || first.delivery === undefined)) {
    return `${w1} and ${w2} both got it as a first delivery: they read from different consumers, each with its own position`;
  }
  if (!firstAck || firstAck.at > second.at) {
    const delivery = second.delivery ? ` (delivery ${second.delivery})` : '';
    return `${again}${delivery} after ${first.worker === second.worker ? 'its own' : `${w1}'s`} AckWait ran out`;
  }
  return `${again} (delivery ${second.delivery ?? '?'}) although ${w1} had acked it at ${firstAck.at} ms: the broker lost the ack`;
}

export function checkHistory(events: readonly HistoryEvent[], opts: HistoryCheckOptions = {}): HistoryCheck {
  const name = opts.workerName ?? ((w: string) => w);
  const publishes = events.filter((e): e is PublishEvent => e.kind === 'publish');
  const processed = events.filter((e): e is ProcessedEvent => e.kind === 'processed');
  const acked = events.filter((e): e is AckedEvent => e.kind === 'acked');
  const findings: Finding[] = [];

  const attempts: Record<PublishOutcome, number> = { ok: 0, failed: 0, unknown: 0 };
  for (const p of publishes) attempts[p.outcome] += 1;
  const byId = groupBy(publishes, (p) => p.id);
  const ackedIds = [...byId].filter(([, ps]) => ps.some((p) => p.outcome === 'ok')).map(([id]) => id);

  // Publishing: what the stream holds against what the broker promised.
  let unknownLanded = 0;
  let storedWithoutAck: string[] = [];
  if (opts.stored) {
    const count = new Map<string, number>();
    for (const id of opts.stored) count.set(id, (count.get(id) ?? 0) + 1);
    for (const id of ackedIds) {
      if (count.has(id)) continue;
      const ok = byId.get(id)!.find((p) => p.outcome === 'ok')!;
      findings.push({ kind: 'lost-acked', id, sentence: `${id} got a PubAck (attempt ${ok.attempt}, at ${ok.completedAt} ms) but is not in the stream: an acknowledged message was lost` });
    }
    for (const [id, n] of count) {
      if (n < 2) continue;
      const tries = byId.get(id)?.length ?? 0;
      findings.push({
        kind: 'stored-twice',
        id,
        sentence: `${id} is in the stream ${times(n)}${tries > 1 ? ` after ${tries} publish attempts: each retry was stored again, so the broker could not tell it was the same message` : ''}`,
      });
    }
    storedWithoutAck = [...count.keys()].filter((id) => !ackedIds.includes(id));
  }
  for (const [id, ps] of byId) {
    const sorted = [...ps].sort((a, b) => a.attempt - b.attempt);
    const firstOk = sorted.findIndex((p) => p.outcome === 'ok');
    if (firstOk <= 0 || !sorted[firstOk].duplicate) continue;
    const earlier = sorted.slice(0, firstOk);
    if (earlier.some((p) => p.outcome === 'unknown')) unknownLanded += 1;
    else {
      findings.push({
        kind: 'failed-but-stored',
        id,
        sentence: `${id} was reported failed (${earlier.map((p) => p.error ?? 'failed').join(', ')}) yet the broker already had it when attempt ${sorted[firstOk].attempt} came: a "failed" publish must not have been stored`,
      });
    }
  }

  // Processing: exactly once per item, and per key in publish order.
  const processedById = groupBy(processed, (p) => p.id);
  for (const [id, ps] of processedById) {
    if (ps.length < 2) continue;
    const sorted = [...ps].sort((a, b) => a.at - b.at);
    const acks = acked.filter((a) => a.id === id);
    const reasons = sorted.slice(1).map((second, i) => secondDeliveryReason(sorted[i], second, acks, name));
    findings.push({ kind: 'processed-twice', id, sentence: `${id} was processed ${times(ps.length)}: ${reasons.join('; then ')}` });
  }
  if (opts.requireProcessed) {
    const ackedByWorker = new Set(acked.map((a) => a.id));
    for (const id of ackedIds) {
      if (ackedByWorker.has(id)) continue;
      const was = processedById.get(id);
      findings.push({
        kind: 'never-processed',
        id,
        sentence: was
          ? `${id} was processed by ${was.map((p) => name(p.worker)).join(' and ')} but never acked: the broker will deliver it again`
          : `${id} got a PubAck but no worker ever processed it`,
      });
    }
  }

  const publishOrder = new Map<string, number>(); // id -> time of its first ok publish
  for (const p of publishes) if (p.outcome === 'ok' && !publishOrder.has(p.id)) publishOrder.set(p.id, p.at);
  const firstProcessing = [...processedById.values()].map((ps) => ps.reduce((a, b) => (b.at < a.at ? b : a)));
  for (const [key, ps] of groupBy(firstProcessing.filter((p) => p.key !== undefined && publishOrder.has(p.id)), (p) => p.key!)) {
    const byProcessing = [...ps].sort((a, b) => a.at - b.at);
    for (let i = 1; i < byProcessing.length; i++) {
      const later = byProcessing[i];
      const overtaken = byProcessing.slice(0, i).find((earlier) => publishOrder.get(earlier.id)! > publishOrder.get(later.id)!);
      if (!overtaken) continue;
      findings.push({
        kind: 'out-of-order',
        id: later.id,
        sentence:
          `${key}: ${overtaken.id} was processed before ${later.id}, which was published first ` +
          `(${name(overtaken.worker)} at ${overtaken.at} ms, ${name(later.worker)} at ${later.at} ms): the order of one key must hold`,
      });
    }
  }

  return {
    valid: findings.length === 0,
    findings,
    stats: { attempts, acked: ackedIds.length, unknownLanded, storedWithoutAck, processed: processedById.size },
  };
}

/** The findings as problem sentences, at most `max` of one kind, then a count of the rest. */
export function findingSentences(findings: readonly Finding[], max = 3): string[] {
  const out: string[] = [];
  for (const [, fs] of groupBy(findings, (f) => f.kind)) {
    out.push(...fs.slice(0, max).map((f) => f.sentence));
    if (fs.length > max) out.push(`... and ${fs.length - max} more like that (${fs.slice(max).map((f) => f.id).slice(0, 10).join(', ')}${fs.length - max > 10 ? ', ...' : ''})`);
  }
  return out;
}
