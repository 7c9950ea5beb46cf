// The check of 09-subject-allowlist: a deterministic seeded fuzz of checkSubject. Every category of
// bad subject has fixed cases (the ones a reader would think of) and generated ones (a bad
// character hidden at a random place in an otherwise good subject); valid subjects must pass, up
// to exactly 256 characters. One problem sentence per category, naming the first subject that got through.
import { seededRandom } from '@mq/shared';
import { defineExercise, describeThrown, escapeForDisplay, importUnderTest } from '@mq/shared/workshop';

type SubjectCheck = { ok: true } | { ok: false; reason: string };
interface UnderTest {
  checkSubject(subject: string): SubjectCheck;
}

interface BadCategory {
  name: string;
  /** Why accepting it matters, after "was accepted: ". */
  why: string;
  fixed: string[];
  /** Characters hidden inside a good subject by the fuzz. */
  pool?: string[];
}

const SEED = 9;
const FUZZ_PER_CATEGORY = 40;
const VALID_FUZZ = 200;
const TOKEN_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i));

const BAD: BadCategory[] = [
  {
    name: 'system subjects',
    why: 'it belongs to NATS itself: a caller could call the JetStream API (delete the stream), the system account, or answer another client\'s request',
    fixed: ['$JS.API.STREAM.DELETE.ORDERS', '$JS.API.CONSUMER.DELETE.ORDERS.email', '$SYS.REQ.SERVER.PING', '$KV.config.key', '_INBOX.abc123', '_INBOX'],
  },
  {
    name: 'wildcards',
    why: 'a wildcard names many subjects, not one: a caller must publish to one concrete subject',
    fixed: ['orders.*', 'orders.>', 'orders.*.created', 'orders.eu.>', '>', '*'],
  },
  {
    name: 'empty tokens',
    why: 'an empty token is not a valid NATS subject: the server refuses it, or no filter ever matches it',
    fixed: ['', 'orders.', 'orders..created', '.orders.created', 'orders.created.', '.'],
  },
  {
    name: 'whitespace',
    why: 'whitespace splits a subject in the NATS protocol line (PUB <subject> <size>), and looks like nothing in a log',
    fixed: ['orders.new order', 'orders.created\r\nPUB $JS.API.STREAM.DELETE.ORDERS 0', 'orders.created\n', '\torders.created', 'orders.a\u00A0b'],
    pool: [' ', '\t', '\n', '\r', '\u000B', '\u000C', '\u00A0', '\u1680', '\u2003', '\u2028', '\u2029', '\u202F', '\u3000'],
  },
  {
    name: 'C0 control characters',
    why: 'a control character rewrites what a terminal or a log shows (ESC starts an escape sequence, NUL ends a C string)',
    fixed: ['orders.\u0000created', 'orders.\u001B[2Jcreated', 'orders.bell\u0007', 'orders.del\u007F'],
    pool: [...range(0x00, 0x08), ...range(0x0e, 0x1f), '\u007F'],
  },
  {
    name: 'C1 control characters',
    why: 'a C1 control character is invisible yet stored (U+0085 is a line break, U+009B starts a terminal escape), so the subject is not what a reader sees',
    fixed: ['orders.\u0085created', 'orders.\u009B31mred', 'orders.\u0080x'],
    pool: range(0x80, 0x9f),
  },
  {
    name: 'direction-changing characters',
    why: 'a direction-changing character makes the subject display differently from what is stored',
    fixed: ['orders.\u202Eevil', 'orders.\u200Ecreated', 'orders.\u200Fcreated', 'orders.\u2066x\u2069', 'orders.a\u202Db'],
    pool: ['\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u061C'],
  },
  {
    name: 'invisible characters',
    why: 'an invisible character makes two different subjects look the same (orders.created and orders.cre\\u200Bated)',
    fixed: ['orders.cre\u200Bated', 'orders.\uFEFFcreated', 'orders.soft\u00ADhyphen', 'orders.word\u2060joiner', 'orders.zw\u200Cnj', 'orders.zw\u200Dj'],
    pool: ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u180E', '\u2061', '\u2062', '\u2063', '\u2064'],
  },
  {
    name: 'lone surrogates',
    why: 'a lone surrogate is not valid UTF-16 and cannot be encoded as UTF-8: the client sends U+FFFD instead, a different subject from the one checked',
    fixed: ['orders.\uD800', 'orders.\uDC00created', 'orders.x\uDBFF'],
    pool: ['\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D'],
  },
  {
    name: 'outside the stream',
    why: 'it is outside the stream\'s orders.> namespace: no stream captures it, so the order is lost or lands in another service\'s stream',
    fixed: ['order.created', 'orders', 'ORDERS.created', 'ordersx.created', 'xorders.created', 'payments.refund', '\u043Erders.created', 'Orders.created'],
  },
  {
    name: 'overlong',
    why: 'it is longer than 256 characters: NATS and the stream may accept it, but it is no subject a client meant to send',
    fixed: [`orders.${'a'.repeat(250)}`, `orders.${'b.'.repeat(200)}c`],
  },
];

const VALID_FIXED = ['orders.created', 'orders.eu.created', 'orders.ORD-0042', 'orders.user_1000.paid', 'orders.a', 'orders.-', `orders.${'x'.repeat(249)}`];
const VALID_TOTAL = VALID_FIXED.length + VALID_FUZZ;
const BAD_TOTAL = BAD.reduce((n, c) => n + c.fixed.length + (c.pool ? FUZZ_PER_CATEGORY : 0), 0);

function validSubjects(random: () => number): string[] {
  const pick = (n: number) => Math.floor(random() * n);
  const token = () => Array.from({ length: 1 + pick(12) }, () => TOKEN_CHARS[pick(TOKEN_CHARS.length)]).join('');
  const fuzz = Array.from({ length: VALID_FUZZ }, () => ['orders', ...Array.from({ length: 1 + pick(4) }, token)].join('.'));
  return [...VALID_FIXED, ...fuzz];
}

/** A good subject with one bad character hidden after "orders." (inside or at the edge of a token). */
function hide(random: () => number, good: string, bad: string): string {
  const at = 'orders.'.length + Math.floor(random() * (good.length - 'orders.'.length + 1));
  return good.slice(0, at) + bad + good.slice(at);
}

export default defineExercise({
  id: '09-subject-allowlist',
  title: 'The subject allowlist in front of js.publish',
  isolated: true, // private servers only (or none): runs may overlap
  minutes: 15,
  goal: 'Write checkSubject(subject): accept a plain subject inside the stream\'s orders.> namespace, reject everything a caller could abuse, each rejection with a reason.',
  checks: [
    `feed your checkSubject ${BAD_TOTAL + VALID_TOTAL} subjects from a seeded fuzz (seed ${SEED}): system subjects ($JS., $SYS., _INBOX.), wildcards, empty tokens`,
    'whitespace, C0 and C1 control characters, direction-changing and invisible characters (U+202E, U+200E, U+200B), lone surrogates',
    'subjects outside orders.> and subjects over 256 characters: each must be rejected with a reason',
    `and ${VALID_TOTAL} valid subjects inside orders.> (up to exactly 256 characters): each must be accepted`,
  ],
  async check(ctx) {
    const m = await importUnderTest<UnderTest>(ctx.modulePath, ['checkSubject']);
    if (!m.ok) return m;
    const random = seededRandom(SEED);
    const valid = validSubjects(random);
    const problems: string[] = [];
    const proved: string[] = [];

    // Ask, and turn a throw or a malformed answer into a problem sentence.
    const ask = (subject: string): SubjectCheck | string => {
      try {
        const r = m.module.checkSubject(subject) as unknown;
        if (r && typeof r === 'object' && (r as SubjectCheck).ok === true) return { ok: true };
        if (r && typeof r === 'object' && (r as SubjectCheck).ok === false) {
          const reason = (r as { reason?: unknown }).reason;
          if (typeof reason === 'string' && reason.trim()) return { ok: false, reason };
          return `checkSubject(${escapeForDisplay(subject)}) said no without a reason: the caller gets a 400 with nothing to fix`;
        }
        return `checkSubject(${escapeForDisplay(subject)}) returned ${JSON.stringify(r)}, not { ok: true } or { ok: false, reason }`;
      } catch (err) {
        if (err instanceof Error && err.name === 'NotWrittenYet') throw err;
        return `checkSubject(${escapeForDisplay(subject)}) threw ${describeThrown(err)}: a gate must answer, not crash the request`;
      }
    };

    let notWritten: string | undefined;
    try {
      ask('orders.created');
    } catch (err) {
      notWritten = describeThrown(err);
    }
    if (notWritten) return { ok: false, problems: [notWritten] };

    ctx.log(`seed ${SEED}: ${BAD.length} categories of bad subjects, ${valid.length} valid ones`);
    let rejected = 0;
    for (const cat of BAD) {
      const cases = [...cat.fixed];
      if (cat.pool) {
        for (let i = 0; i < FUZZ_PER_CATEGORY; i++) {
          const good = valid[VALID_FIXED.length + Math.floor(random() * VALID_FUZZ)];
          cases.push(hide(random, good, cat.pool[Math.floor(random() * cat.pool.length)]));
        }
      }
      const through: string[] = [];
      for (const subject of cases) {
        const r = ask(subject);
        if (typeof r === 'string') through.push(r);
        else if (r.ok) through.push(`${escapeForDisplay(subject)} was accepted: ${cat.why}`);
        else rejected += 1;
      }
      if (through.length) problems.push(through.length > 1 ? `${through[0]} (and ${through.length - 1} more ${cat.name} like it)` : through[0]);
    }
    if (rejected === BAD_TOTAL) proved.push(`rejected all ${BAD_TOTAL} bad subjects, each with a reason, across ${BAD.length} categories (${BAD.map((c) => c.name).join(', ')})`);

    const refused: string[] = [];
    for (const subject of valid) {
      const r = ask(subject);
      if (typeof r === 'string') refused.push(r);
      else if (!r.ok) refused.push(`${escapeForDisplay(subject)} was rejected ("${r.reason}"): a plain subject inside orders.> must pass, or the API refuses real orders`);
    }
    if (refused.length) problems.push(refused.length > 1 ? `${refused[0]} (and ${refused.length - 1} more valid subjects)` : refused[0]);
    else proved.push(`accepted all ${valid.length} valid subjects inside orders.>, up to exactly 256 characters`);

    return problems.length ? { ok: false, problems } : { ok: true, proved };
  },
});
