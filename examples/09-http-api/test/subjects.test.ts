// The publish gate on its own: NATS wildcard matching and the rules for what an HTTP caller may publish.
import { describe, expect, it } from 'vitest';
import { checkPublishSubject, subjectMatches } from '../src/subjects';

describe('subjectMatches (NATS wildcards)', () => {
  it.each([
    ['order.*', 'order.created', true],
    ['order.*', 'order.paid', true],
    ['order.*', 'order', false], // * needs exactly one token
    ['order.*', 'order.created.v2', false], // ... and only one
    ['order.*', 'orders.created', false],
    ['order.*', 'payment.created', false],
    ['order.>', 'order.created', true],
    ['order.>', 'order.created.v2.eu', true],
    ['order.>', 'order', false], // > needs at least one token
    ['*.created', 'order.created', true],
    ['*.created', 'order.paid', false],
    ['order.*.eu', 'order.created.eu', true],
    ['order.*.eu', 'order.created.us', false],
    ['>', 'anything.at.all', true],
    ['order.created', 'order.created', true],
    ['order.created', 'order.createdx', false],
    ['order.created', 'order.created.x', false],
    ['order.>.x', 'order.a.x', false], // > is only a wildcard as the last token
  ])('%s vs %s -> %s', (filter, subject, expected) => {
    expect(subjectMatches(filter, subject)).toBe(expected);
  });
});

describe('checkPublishSubject', () => {
  const filters = ['order.*'];

  it('accepts a concrete subject the stream captures', () => {
    expect(checkPublishSubject('order.created', filters, 'ORDERS')).toEqual({ ok: true });
    expect(checkPublishSubject('payment.created', ['order.*', 'payment.*'], 'ORDERS')).toEqual({ ok: true });
  });

  it.each([
    ['payment.created', /not captured by stream ORDERS \(its subjects: order\.\*\)/],
    ['order.created.v2', /not captured/],
    ['order', /not captured/],
    ['$JS.API.STREAM.DELETE.ORDERS', /reserved/],
    ['$SYS.REQ.SERVER.PING', /reserved/],
    ['$KV.config.key', /reserved/],
    ['_INBOX.abc123', /reserved/],
    ['_INBOX', /reserved/],
    ['order.*', /wildcard/],
    ['order.>', /wildcard/],
    ['>', /wildcard/],
    ['order.cr*ated', /wildcard/],
    ['order..created', /empty token/],
    ['.order.created', /empty token/],
    ['order.', /empty token/],
    ['order created', /whitespace/],
    ['order.created\t', /whitespace/],
    ['order.created\r\nPUB x 1', /whitespace, control/],
    ['', /must not be empty/],
    [`order.${'x'.repeat(300)}`, /longer than 256/],
  ])('rejects %j', (subject, reason) => {
    const r = checkPublishSubject(subject, filters, 'ORDERS');
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.reason).toMatch(reason);
  });

  // Issue 13: characters a reader cannot see, or that make the stored subject differ from the one sent.
  it.each([
    ['a lone high surrogate', 'order.\uD800created', 'U+D800'],
    ['a lone low surrogate', 'order.created\uDC00', 'U+DC00'],
    ['C1 control U+0080', 'order.\u0080created', 'U+0080'],
    ['C1 control U+0085 (next line)', 'order.created\u0085', 'U+0085'],
    ['C1 control U+009F', 'order.\u009Fcreated', 'U+009F'],
    ['zero-width space U+200B', 'order.cre\u200Bated', 'U+200B'],
    ['left-to-right mark U+200E', 'order.\u200Ecreated', 'U+200E'],
    ['right-to-left override U+202E', 'order.\u202Edetaerc', 'U+202E'],
    ['zero-width joiner U+200D', 'order.created\u200D', 'U+200D'],
    ['byte order mark U+FEFF', '\uFEFForder.created', 'U+FEFF'],
    ['word joiner U+2060', 'order.\u2060created', 'U+2060'],
    ['line separator U+2028', 'order.\u2028created', 'U+2028'],
    ['soft hyphen U+00AD (format, category Cf)', 'order.cre\u00ADated', 'U+00AD'],
  ])('rejects %s, naming the code point', (_what, subject, codePoint) => {
    const r = checkPublishSubject(subject, filters, 'ORDERS');
    expect(r, JSON.stringify(subject)).toEqual({
      ok: false,
      reason: `subject must not contain whitespace, control, invisible or formatting characters (found ${codePoint})`,
    });
  });

  it.each([
    ['accented letters', 'order.créé'],
    ['CJK', 'order.订单'],
    ['an emoji (a valid surrogate pair)', 'order.📦'],
  ])('accepts visible non-ASCII: %s', (_what, subject) => {
    expect(checkPublishSubject(subject, filters, 'ORDERS')).toEqual({ ok: true });
  });

  it('rejects reserved subjects even if a stream were configured to capture them', () => {
    expect(checkPublishSubject('$JS.API.INFO', ['>'], 'ALL').ok).toBe(false);
    expect(checkPublishSubject('_INBOX.x', ['>'], 'ALL').ok).toBe(false);
    expect(checkPublishSubject('order.created', ['>'], 'ALL').ok).toBe(true);
  });
});
