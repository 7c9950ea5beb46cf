// A Jepsen-style record of every publish attempt and the checker that judges it against what the
// stream holds afterwards. An attempt is `ok` (a PubAck came back: the cluster promised to keep
// it), `failed` (the cluster definitely did not take it: nobody answered, or it answered with an
// error) or `unknown` (it timed out or the connection broke: it may or may not have been stored).
// The one rule that must hold: every id that got a PubAck is in the stream after the failover.
// The judging itself is the workshop's shared checker (@mq/shared/workshop), which the exercises
// use too; this file keeps the cluster's view of it: publish attempts, and the stream afterwards.
import { checkHistory, classifyPublishError, type PublishEvent } from '@mq/shared/workshop';

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
export const classify: (err: unknown) => Exclude<Outcome, 'ok'> = classifyPublishError;

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
  /** Each finding as one sentence naming the id (empty when valid). */
  findings: string[];
}

export function check(history: readonly PublishAttempt[], storedIds: readonly string[]): CheckResult {
  const events: PublishEvent[] = history.map((a) => ({
    kind: 'publish', id: a.id, attempt: a.attempt, at: a.invokedAt, completedAt: a.completedAt, outcome: a.outcome,
    seq: a.seq, duplicate: a.duplicate, error: a.error,
  }));
  const result = checkHistory(events, { stored: storedIds });
  const ids = (kind: string) => result.findings.filter((f) => f.kind === kind).map((f) => f.id);
  return {
    attempts: result.stats.attempts,
    acked: result.stats.acked,
    lostAcked: ids('lost-acked'),
    duplicatesInStream: ids('stored-twice'),
    storedWithoutAck: result.stats.storedWithoutAck,
    unknownLanded: result.stats.unknownLanded,
    failedButStored: ids('failed-but-stored'),
    valid: result.valid,
    findings: result.findings.map((f) => f.sentence),
  };
}
