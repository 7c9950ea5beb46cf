// wrong: a denylist (the lesson's own src/subjects.ts does this): reject ASCII control characters
// and whitespace, reserved prefixes, empty tokens and wildcards. It reads complete, but every
// invisible or direction-changing Unicode character, C1 control or lone surrogate goes through.
// expect: a direction-changing character makes the subject display differently from what is stored
export const STREAM_SUBJECTS = 'orders.>';
export const MAX_SUBJECT_LENGTH = 256;

export type SubjectCheck = { ok: true } | { ok: false; reason: string };

export function checkSubject(subject: string): SubjectCheck {
  const no = (reason: string): SubjectCheck => ({ ok: false, reason });
  if (subject.length === 0) return no('the subject is empty');
  if (subject.length > MAX_SUBJECT_LENGTH) return no('too long');
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(subject)) return no('whitespace or control characters');
  if (subject.startsWith('$') || subject.startsWith('_INBOX')) return no('reserved for NATS');
  const tokens = subject.split('.');
  if (tokens.some((t) => t === '')) return no('empty token');
  if (tokens.some((t) => t.includes('*') || t.includes('>'))) return no('wildcard');
  if (tokens[0] !== 'orders' || tokens.length < 2) return no('outside orders.>');
  return { ok: true };
}
