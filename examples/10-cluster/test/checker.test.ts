// The checker itself, on hand-made histories: it must flag an acknowledged message that is
// missing, a message stored twice, and a "failed" publish that was stored after all; and it
// must accept an unknown (timed-out) publish that did land, which is what unknown means.
import { describe, expect, it } from 'vitest';
import { check, classify, type PublishAttempt } from '../src/history';

const ok = (id: string, attempt = 1, duplicate = false): PublishAttempt => ({ id, attempt, invokedAt: 0, completedAt: 1, outcome: 'ok', seq: 1, duplicate });
const failed = (id: string, attempt = 1): PublishAttempt => ({ id, attempt, invokedAt: 0, completedAt: 1, outcome: 'failed' });
const unknown = (id: string, attempt = 1): PublishAttempt => ({ id, attempt, invokedAt: 0, completedAt: 1, outcome: 'unknown' });

describe('failover checker', () => {
  it('accepts a history whose acknowledged ids are all stored once', () => {
    const v = check([ok('A'), failed('B'), ok('B', 2), unknown('C')], ['A', 'B']);
    expect(v).toMatchObject({ valid: true, acked: 2, lostAcked: [], duplicatesInStream: [], attempts: { ok: 2, failed: 1, unknown: 1 } });
  });

  it('flags an acknowledged id that is missing from the stream', () => {
    const v = check([ok('A'), ok('B')], ['A']);
    expect(v.valid).toBe(false);
    expect(v.lostAcked).toEqual(['B']);
  });

  it('flags an id stored twice', () => {
    const v = check([ok('A')], ['A', 'A']);
    expect(v.valid).toBe(false);
    expect(v.duplicatesInStream).toEqual(['A']);
  });

  it('counts an unknown attempt that landed (its retry was a duplicate) without calling it an error', () => {
    const v = check([unknown('A'), ok('A', 2, true)], ['A']);
    expect(v).toMatchObject({ valid: true, unknownLanded: 1, failedButStored: [] });
  });

  it('flags a definitely-failed attempt that was stored after all', () => {
    const v = check([failed('A'), ok('A', 2, true)], ['A']);
    expect(v.valid).toBe(false);
    expect(v.failedButStored).toEqual(['A']);
  });

  it('lists stored ids that never got a PubAck (unknowns that landed, never retried)', () => {
    const v = check([unknown('A')], ['A']);
    expect(v).toMatchObject({ valid: true, storedWithoutAck: ['A'] });
  });

  it('classifies only proof of non-storage as failed', () => {
    const named = (name: string) => Object.assign(new Error(name), { name });
    expect(classify(named('JetStreamNotEnabled'))).toBe('failed'); // no responders: no leader took it
    expect(classify(named('JetStreamApiError'))).toBe('failed');
    expect(classify(named('TimeoutError'))).toBe('unknown');
    expect(classify(named('ClosedConnectionError'))).toBe('unknown');
    expect(classify('something odd')).toBe('unknown');
  });
});
