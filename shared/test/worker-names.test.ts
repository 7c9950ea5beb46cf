// Unit tests for the pull worker's pure parts: name validation and backoff.
import { describe, expect, it } from 'vitest';
import { backoffDelay, InvalidNameError, validateConsumerName } from '../src/index';

describe('validateConsumerName', () => {
  it.each(['order-processor', 'email_worker', 'W1'])('accepts %s', (n) => {
    expect(validateConsumerName(n)).toBe(n);
  });
  it.each([
    ['orders.email', '"."'],
    ['email*', '"*"'],
    ['all>', '">"'],
    ['a/b', '"/"'],
    ['a\\b', '"\\"'],
    ['two words', 'whitespace'],
    ['tab\tname', 'whitespace'],
  ])('rejects %s, naming %s', (n, shown) => {
    expect(() => validateConsumerName(n)).toThrow(InvalidNameError);
    expect(() => validateConsumerName(n)).toThrow(shown);
  });
  it('rejects an empty name', () => {
    expect(() => validateConsumerName('')).toThrow('must not be empty');
  });
});

describe('backoffDelay', () => {
  it('doubles from 1 s and caps at 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((a) => backoffDelay(a))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});
