// wrong: "it must start with orders." looks like the whole rule: the namespace check alone also
// keeps out $JS.API and _INBOX, but lets wildcards, empty tokens and whitespace through.
// expect: 'orders.*' was accepted
export const STREAM_SUBJECTS = 'orders.>';
export const MAX_SUBJECT_LENGTH = 256;

export type SubjectCheck = { ok: true } | { ok: false; reason: string };

export function checkSubject(subject: string): SubjectCheck {
  if (!subject.startsWith('orders.')) return { ok: false, reason: 'outside orders.>' };
  if (subject.length > MAX_SUBJECT_LENGTH) return { ok: false, reason: 'too long' };
  return { ok: true };
}
