// A Jepsen-style record of every publish attempt and the checker that judges it against what the
// stream holds afterwards. An attempt is `ok` (a PubAck came back: the cluster promised to keep
// it), `failed` (the cluster definitely did not take it: nobody answered, or it answered with an
// error) or `unknown` (it timed out or the connection broke: it may or may not have been stored).
// The one rule that must hold: every id that got a PubAck is in the stream after the failover.

export type Outcome = 'ok' | 'failed' | 'unknown';

export interface PublishAttempt {
  id: string;
  attempt: number;
  /** ms since the scene started */
  invokedAt: number;
  completedAt: number;
  outcome: Outcome;
  /** For ok: stream sequence and whether the cluster called it a duplicate of an earlier attempt. */
  seq?: number;
  duplicate?: boolean;
  error?: string;
}

/**
 * Classify a publish error. Only answers that prove the message was not stored count as
 * `failed`: "no responders" (no stream leader took the request) and an error reply from
 * JetStream. Everything else (timeouts, broken connections) is `unknown`.
 */
export function classify(err: unknown): Exclude<Outcome, 'ok'> {
  const name = err instanceof Error ? err.name : '';
  if (name === 'JetStreamNotEnabled' || name === 'NoResponders' || name === 'JetStreamApiError') return 'failed';
  return 'unknown';
}

export interface CheckResult {
  attempts: Record<Outcome, number>;
  /** Ids that got at least one PubAck. */
  acked: number;
  /** Acknowledged ids missing from the stream: must be empty. */
  lostAcked: string[];
  /** Ids stored more than once: must be empty (every retry reuses the id as Nats-Msg-Id). */
  duplicatesInStream: string[];
  /** Ids in the stream that never got a PubAck (from unknown attempts that did land). */
  storedWithoutAck: string[];
  /** Unknown attempts that turned out to have landed (a later retry was told "duplicate"). */
  unknownLanded: number;
  /** Ids whose earlier attempts all definitely failed, yet the cluster said "duplicate": must be empty. */
  failedButStored: string[];
  valid: boolean;
}

export function check(history: readonly PublishAttempt[], storedIds: readonly string[]): CheckResult {
  const attempts: Record<Outcome, number> = { ok: 0, failed: 0, unknown: 0 };
  const byId = new Map<string, PublishAttempt[]>();
  for (const a of history) {
    attempts[a.outcome] += 1;
    byId.set(a.id, [...(byId.get(a.id) ?? []), a]);
  }
  const stored = new Map<string, number>();
  for (const id of storedIds) stored.set(id, (stored.get(id) ?? 0) + 1);

  const ackedIds = [...byId].filter(([, as]) => as.some((a) => a.outcome === 'ok')).map(([id]) => id);
  const lostAcked = ackedIds.filter((id) => !stored.has(id));
  const duplicatesInStream = [...stored].filter(([, n]) => n > 1).map(([id]) => id);
  const storedWithoutAck = [...stored.keys()].filter((id) => !byId.get(id)?.some((a) => a.outcome === 'ok'));

  let unknownLanded = 0;
  const failedButStored: string[] = [];
  for (const [id, as] of byId) {
    const sorted = [...as].sort((x, y) => x.attempt - y.attempt);
    const firstOk = sorted.findIndex((a) => a.outcome === 'ok');
    if (firstOk <= 0 || !sorted[firstOk].duplicate) continue;
    const earlier = sorted.slice(0, firstOk);
    if (earlier.some((a) => a.outcome === 'unknown')) unknownLanded += 1;
    else failedButStored.push(id);
  }

  return {
    attempts,
    acked: ackedIds.length,
    lostAcked,
    duplicatesInStream,
    storedWithoutAck,
    unknownLanded,
    failedButStored,
    valid: lostAcked.length === 0 && duplicatesInStream.length === 0 && failedButStored.length === 0,
  };
}
