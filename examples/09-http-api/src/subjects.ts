// Which subjects may an HTTP caller publish to? Only plain subjects that the configured stream
// captures. The seed's handler passed the caller's subject straight to js.Publish, which let anyone
// who can reach the API send to `$JS.API.STREAM.DELETE.ORDERS` or to another service's inbox.
// This file is the gate: NATS subject syntax checks plus NATS wildcard matching, no I/O.

/** NATS wildcard matching: `*` is exactly one token, `>` (last token only) is one or more tokens. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    const token = f[i];
    if (token === '>') return i === f.length - 1 && s.length > i; // '>' needs at least one token
    if (i >= s.length) return false;
    if (token !== '*' && token !== s[i]) return false;
  }
  return f.length === s.length;
}

/** Prefixes NATS reserves for itself: the JetStream API, the system account, KV/object stores, reply inboxes. */
export const RESERVED_PREFIXES = ['$', '_INBOX.'] as const;

export const MAX_SUBJECT_LENGTH = 256;

/**
 * Characters a subject may not hold: whitespace (NATS splits its protocol lines on it), every
 * control character (Cc: C0, DEL and the C1 range U+0080-U+009F), format characters (Cf: zero-width
 * U+200B-U+200D, direction marks and overrides U+200E/U+202E, U+FEFF, soft hyphen...) that make two
 * subjects look alike, and lone UTF-16 surrogates (Cs), which the UTF-8 encoder would silently store
 * as U+FFFD under a different subject. With the `u` flag a valid surrogate pair is one code point,
 * so an emoji is not matched by \p{Cs}.
 */
const INVISIBLE = /[\s\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

export type SubjectCheck = { ok: true } | { ok: false; reason: string };

/** Is `subject` a plain subject (no wildcards, no empty tokens, not reserved) captured by one of `filters`? */
export function checkPublishSubject(subject: string, filters: readonly string[], streamName = 'the stream'): SubjectCheck {
  const no = (reason: string): SubjectCheck => ({ ok: false, reason });
  if (subject.length === 0) return no('subject must not be empty');
  if (subject.length > MAX_SUBJECT_LENGTH) return no(`subject is longer than ${MAX_SUBJECT_LENGTH} characters`);
  const hidden = INVISIBLE.exec(subject);
  if (hidden) {
    const codePoint = `U+${hidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    return no(`subject must not contain whitespace, control, invisible or formatting characters (found ${codePoint})`);
  }
  if (subject === '_INBOX' || RESERVED_PREFIXES.some((p) => subject.startsWith(p))) {
    return no(`subject "${subject}" is reserved for NATS itself ($JS.*, $SYS.*, $KV.*, _INBOX.* ...)`);
  }
  const tokens = subject.split('.');
  if (tokens.some((t) => t.length === 0)) return no(`subject "${subject}" has an empty token (leading, trailing or double ".")`);
  if (tokens.some((t) => t.includes('*') || t.includes('>'))) return no(`subject "${subject}" contains a wildcard; publish to one concrete subject`);
  if (!filters.some((f) => subjectMatches(f, subject))) {
    return no(`subject "${subject}" is not captured by stream ${streamName} (its subjects: ${filters.join(', ') || 'none'})`);
  }
  return { ok: true };
}
