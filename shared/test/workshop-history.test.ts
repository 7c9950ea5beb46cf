// The shared history checker, on hand-made histories: each kind of finding must appear, name the
// item (and the workers and deliveries), and disappear when the history is clean. The recorder runs
// on a hand-driven clock so every time in a sentence is known.
import { describe, expect, it } from 'vitest';
import { checkHistory, classifyPublishError, findingSentences, HistoryRecorder, type HistoryEvent } from '../src/workshop/index';

function recorder() {
  let t = 0;
  const rec = new HistoryRecorder(() => t);
  return { rec, at: (ms: number) => (t = ms) };
}

const named = (name: string) => Object.assign(new Error(name), { name });

describe('history recorder', () => {
  it('records attempts with their number, outcome and times, once per settle', () => {
    const { rec, at } = recorder();
    const first = rec.publish('ORD-0001');
    at(5);
    rec.publishFailed(first, named('TimeoutError'));
    first.ok({ seq: 9 }); // a second settle of the same attempt is ignored
    const second = rec.publish('ORD-0001');
    at(7);
    second.ok({ seq: 1, duplicate: true });
    expect(rec.events).toEqual([
      { kind: 'publish', id: 'ORD-0001', attempt: 1, at: 0, completedAt: 5, outcome: 'unknown', error: 'TimeoutError' },
      { kind: 'publish', id: 'ORD-0001', attempt: 2, at: 5, completedAt: 7, outcome: 'ok', seq: 1, duplicate: true },
    ]);
  });

  it('classifies only proof of non-storage as failed', () => {
    expect(classifyPublishError(named('NoRespondersError'))).toBe('failed');
    expect(classifyPublishError(named('JetStreamApiError'))).toBe('failed');
    expect(classifyPublishError(named('TimeoutError'))).toBe('unknown');
    expect(classifyPublishError(named('ClosedConnectionError'))).toBe('unknown');
    expect(classifyPublishError('odd')).toBe('unknown');
  });
});

describe('history checker', () => {
  it('accepts a clean history: every acknowledged item stored once, processed once, in order per key', () => {
    const { rec, at } = recorder();
    rec.publish('A', { key: 'user 1' }).ok({ seq: 1 });
    at(1);
    rec.publish('B', { key: 'user 1' }).ok({ seq: 2 });
    at(10);
    rec.processed('A', 'worker 1', { delivery: 1, key: 'user 1' });
    rec.acked('A', 'worker 1', { delivery: 1 });
    at(11);
    rec.processed('B', 'worker 2', { delivery: 1, key: 'user 1' });
    rec.acked('B', 'worker 2', { delivery: 1 });
    const v = checkHistory(rec.events, { stored: ['A', 'B'], requireProcessed: true });
    expect(v.findings).toEqual([]);
    expect(v).toMatchObject({ valid: true, stats: { acked: 2, processed: 2, attempts: { ok: 2, failed: 0, unknown: 0 } } });
  });

  it('finds an acknowledged item missing from the stream', () => {
    const { rec } = recorder();
    rec.publish('ORD-0001').ok({ seq: 1 });
    rec.publish('ORD-0002').ok({ seq: 2 });
    const v = checkHistory(rec.events, { stored: ['ORD-0001'] });
    expect(v.valid).toBe(false);
    expect(v.findings.map((f) => f.sentence)).toEqual([
      'ORD-0002 got a PubAck (attempt 1, at 0 ms) but is not in the stream: an acknowledged message was lost',
    ]);
  });

  it('finds an item stored twice and says the retries were stored again', () => {
    const { rec } = recorder();
    rec.publish('ORD-0003').unknown(named('TimeoutError'));
    rec.publish('ORD-0003').ok({ seq: 4 });
    const v = checkHistory(rec.events, { stored: ['ORD-0003', 'ORD-0003'] });
    expect(v.findings.map((f) => [f.kind, f.id])).toEqual([['stored-twice', 'ORD-0003']]);
    expect(v.findings[0].sentence).toMatch(/^ORD-0003 is in the stream twice after 2 publish attempts/);
  });

  it('accepts an unknown attempt that landed (its retry was a duplicate) and flags a "failed" one that did', () => {
    const { rec } = recorder();
    rec.publish('U').unknown(named('TimeoutError'));
    rec.publish('U').ok({ seq: 1, duplicate: true });
    expect(checkHistory(rec.events, { stored: ['U'] })).toMatchObject({ valid: true, stats: { unknownLanded: 1 } });

    rec.publish('F').failed(named('NoRespondersError'));
    rec.publish('F').ok({ seq: 2, duplicate: true });
    const v = checkHistory(rec.events, { stored: ['U', 'F'] });
    expect(v.findings.map((f) => [f.kind, f.id])).toEqual([['failed-but-stored', 'F']]);
  });

  it('lists stored ids that never got a PubAck without calling them errors', () => {
    const { rec } = recorder();
    rec.publish('U').unknown(named('TimeoutError'));
    expect(checkHistory(rec.events, { stored: ['U'] })).toMatchObject({ valid: true, stats: { storedWithoutAck: ['U'] } });
  });

  it('names the workers when an item is processed twice after an AckWait ran out', () => {
    const { rec, at } = recorder();
    rec.publish('ORD-0007').ok({ seq: 7 });
    at(10);
    rec.processed('ORD-0007', '1', { delivery: 1 });
    at(40);
    rec.processed('ORD-0007', '2'); // no delivery count known
    rec.acked('ORD-0007', '2');
    at(45);
    rec.acked('ORD-0007', '1'); // too late: the broker had already handed it to worker 2
    const v = checkHistory(rec.events, { workerName: (w) => `worker ${w}` });
    expect(v.findings.map((f) => f.sentence)).toEqual(["ORD-0007 was processed twice: worker 2 got it after worker 1's AckWait ran out"]);
  });

  it('tells a lost ack and two consumers apart from an AckWait that ran out', () => {
    const history: HistoryEvent[] = [
      { kind: 'processed', id: 'L', worker: 'w1', delivery: 1, at: 10 },
      { kind: 'acked', id: 'L', worker: 'w1', delivery: 1, at: 11 },
      { kind: 'processed', id: 'L', worker: 'w1', delivery: 2, at: 50 },
      { kind: 'processed', id: 'C', worker: 'email-1', delivery: 1, at: 10 },
      { kind: 'processed', id: 'C', worker: 'email-2', delivery: 1, at: 12 },
      { kind: 'processed', id: 'S', worker: 'w3', delivery: 1, at: 10 },
      { kind: 'processed', id: 'S', worker: 'w3', delivery: 2, at: 90 },
    ];
    const sentences = Object.fromEntries(checkHistory(history).findings.map((f) => [f.id, f.sentence]));
    expect(sentences).toEqual({
      L: 'L was processed twice: w1 got it again (delivery 2) although w1 had acked it at 11 ms: the broker lost the ack',
      C: 'C was processed twice: email-1 and email-2 both got it as a first delivery: they read from different consumers, each with its own position',
      S: 'S was processed twice: w3 got it again (delivery 2) after its own AckWait ran out',
    });
  });

  it('finds a per-key order violation and leaves other keys alone', () => {
    const { rec, at } = recorder();
    for (const [i, id] of ['A1', 'B1', 'A2', 'B2'].entries()) {
      at(i);
      rec.publish(id, { key: `user ${id[0]}` }).ok({ seq: i + 1 });
    }
    at(10);
    rec.processed('A2', 'worker 2', { key: 'user A' });
    at(11);
    rec.processed('B1', 'worker 1', { key: 'user B' });
    at(12);
    rec.processed('A1', 'worker 1', { key: 'user A' });
    at(13);
    rec.processed('B2', 'worker 2', { key: 'user B' });
    const v = checkHistory(rec.events);
    expect(v.findings.map((f) => f.sentence)).toEqual([
      'user A: A2 was processed before A1, which was published first (worker 2 at 10 ms, worker 1 at 12 ms): the order of one key must hold',
    ]);
  });

  it('with requireProcessed, finds an acknowledged item no worker finished', () => {
    const { rec } = recorder();
    rec.publish('P').ok({ seq: 1 });
    rec.publish('Q').ok({ seq: 2 });
    rec.processed('Q', 'worker 1');
    const v = checkHistory(rec.events, { requireProcessed: true });
    expect(v.findings.map((f) => f.sentence)).toEqual([
      'P got a PubAck but no worker ever processed it',
      'Q was processed by worker 1 but never acked: the broker will deliver it again',
    ]);
  });

  it('keeps the problem list short: three of a kind, then a count naming the rest', () => {
    const { rec } = recorder();
    for (let i = 1; i <= 5; i++) rec.publish(`X${i}`).ok({ seq: i });
    const lines = findingSentences(checkHistory(rec.events, { stored: [] }).findings);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('... and 2 more like that (X4, X5)');
  });
});
