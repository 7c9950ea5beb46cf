// Exercise 09-subject-allowlist: the gate in front of `js.publish(subject, ...)`. The HTTP API lets
// a caller choose the subject, so this function decides which subjects a caller may publish to.
// Write checkSubject, then: pnpm verify 09-subject-allowlist   (stuck? pnpm hint 09-subject-allowlist)
import { NotWrittenYet } from '@mq/shared/workshop';

/** The stream behind the API captures this namespace, and only this one. */
export const STREAM_SUBJECTS = 'orders.>';
export const MAX_SUBJECT_LENGTH = 256;

export type SubjectCheck = { ok: true } | { ok: false; reason: string };

/**
 * Must accept: a plain subject inside `orders.>` of at most 256 characters whose tokens are made of
 * ASCII letters, digits, '-' and '_' (`orders.created`, `orders.eu.ORD-0042`, `orders.user_1000.paid`).
 * Must reject, with a reason a caller can read: anything that reaches NATS's own subjects, names
 * more than one subject, breaks the protocol, is outside the stream, or displays differently from
 * what would be stored.
 */
export function checkSubject(subject: string): SubjectCheck {
  throw new NotWrittenYet(`checkSubject(${JSON.stringify(subject)})`);
}
