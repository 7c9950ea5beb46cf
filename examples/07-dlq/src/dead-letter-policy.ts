// (a) Dead-lettering in the business layer (seed 004): the handler's error decides. A malformed
// payload can never succeed, so it is dead-lettered at once; any other error is retried with a
// nak delay until the Nth delivery fails, and then dead-lettered. "Dead-lettered" means: published
// to <subject>.dlq with its metadata AND confirmed by the DLQ stream, then term()'d. If the DLQ
// publish fails, the message is nak'd instead: a dead letter that cannot be written is not dropped.
import { MalformedPayloadError, type Handler } from '@mq/shared';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { publishDeadLetter, type DeadLetterReason } from './dead-letter';

export type Outcome =
  | { kind: 'ok'; seq: number; subject: string; delivery: number }
  | { kind: 'retry'; seq: number; subject: string; delivery: number; error: string; delayMs: number }
  | { kind: 'dead-lettered'; seq: number; subject: string; delivery: number; error: string; reason: DeadLetterReason; dlqSeq: number }
  | { kind: 'dlq-failed'; seq: number; subject: string; delivery: number; error: string; dlqError: string };

export interface DeadLetterPolicy {
  js: JetStreamClient;
  /** The delivery whose failure sends the message to the DLQ (the story: 4, i.e. 3 retries). */
  maxDeliveries: number;
  /** Delay before the next delivery; a function of the delivery that just failed, or a constant. */
  nakDelayMs: number | ((delivery: number) => number);
  onOutcome?: (o: Outcome) => void;
}

/** Wrap a handler that throws on failure into a PullWorker handler with retries and a DLQ. */
export function withDeadLetters(handle: (msg: JsMsg) => unknown, policy: DeadLetterPolicy): Handler {
  if (!Number.isInteger(policy.maxDeliveries) || policy.maxDeliveries < 1) throw new RangeError(`maxDeliveries must be a positive integer, got ${policy.maxDeliveries}`);
  const delayFor = (d: number) => (typeof policy.nakDelayMs === 'number' ? policy.nakDelayMs : policy.nakDelayMs(d));
  return async (msg) => {
    const base = { seq: msg.seq, subject: msg.subject, delivery: msg.info.deliveryCount };
    try {
      await handle(msg);
      policy.onOutcome?.({ kind: 'ok', ...base });
      return 'ack';
    } catch (err) {
      // #region look-dlq-decision
      const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      const reason: DeadLetterReason | undefined =
        err instanceof MalformedPayloadError ? 'malformed' : base.delivery >= policy.maxDeliveries ? 'retries-exhausted' : undefined;
      if (!reason) {
        const delayMs = delayFor(base.delivery);
        policy.onOutcome?.({ kind: 'retry', ...base, error, delayMs });
        return { nak: true, delayMs };
      }
      try {
        const ack = await publishDeadLetter(policy.js, {
          subject: msg.subject,
          stream: msg.info.stream,
          seq: msg.seq,
          consumer: msg.info.consumer,
          deliveries: base.delivery,
          error,
          reason,
          data: msg.data,
          headers: msg.headers,
          publishedAt: new Date(Math.floor(msg.info.timestampNanos / 1e6)),
        });
        policy.onOutcome?.({ kind: 'dead-lettered', ...base, error, reason, dlqSeq: ack.seq });
        // Plain term() (nats-server 2.9 ignores a term reason); the reason lives in the DLQ headers.
        return { term: true, reason };
      } catch (dlqErr) {
        const delayMs = delayFor(base.delivery);
        policy.onOutcome?.({ kind: 'dlq-failed', ...base, error, dlqError: (dlqErr as Error).message });
        return { nak: true, delayMs };
      }
      // #endregion look-dlq-decision
    }
  };
}
