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
    ['order.created\r\nPUB x 1', /whitespace or control/],
    ['', /must not be empty/],
    [`order.${'x'.repeat(300)}`, /longer than 256/],
  ])('rejects %j', (subject, reason) => {
    const r = checkPublishSubject(subject, filters, 'ORDERS');
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.reason).toMatch(reason);
  });

  it('rejects reserved subjects even if a stream were configured to capture them', () => {
    expect(checkPublishSubject('$JS.API.INFO', ['>'], 'ALL').ok).toBe(false);
    expect(checkPublishSubject('_INBOX.x', ['>'], 'ALL').ok).toBe(false);
    expect(checkPublishSubject('order.created', ['>'], 'ALL').ok).toBe(true);
  });
});
