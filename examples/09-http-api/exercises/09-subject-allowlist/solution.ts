// Reference solution of 09-subject-allowlist: an allowlist. Say what a good subject is (ASCII
// letters, digits, '-', '_' per token, inside orders.>) and reject everything else; a denylist of
// bad characters always misses one (C1 controls, zero-width and direction-changing characters).
export const STREAM_SUBJECTS = 'orders.>';
export const MAX_SUBJECT_LENGTH = 256;

export type SubjectCheck = { ok: true } | { ok: false; reason: string };

const TOKEN = /^[A-Za-z0-9_-]+$/;
const RESERVED = ['$', '_INBOX'];

export function checkSubject(subject: string): SubjectCheck {
  const no = (reason: string): SubjectCheck => ({ ok: false, reason });
  if (subject.length === 0) return no('the subject is empty');
  if (subject.length > MAX_SUBJECT_LENGTH) return no(`the subject is longer than ${MAX_SUBJECT_LENGTH} characters`);
  if (RESERVED.some((p) => subject.startsWith(p))) return no('subjects starting with $ or _INBOX belong to NATS itself');
  const tokens = subject.split('.');
  if (tokens.some((t) => t === '')) return no('the subject has an empty token (a leading, trailing or double ".")');
  if (tokens.some((t) => t === '*' || t === '>')) return no('wildcards name many subjects; publish to one');
  if (tokens.some((t) => !TOKEN.test(t))) return no('a token may hold only ASCII letters, digits, "-" and "_"');
  if (tokens[0] !== 'orders' || tokens.length < 2) return no(`the stream only captures ${STREAM_SUBJECTS}`);
  return { ok: true };
}
