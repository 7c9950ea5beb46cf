// The small helpers every lesson leans on: tables, timelines, timings and flag parsing.
import { describe, expect, it } from 'vitest';
import { createOutput, formatTimeline, intFlag, parseFlags, rateValue, STORY, timings, UsageError, waitFor } from '../src/index';
import { formatTable } from '../src/output';
import { SCALED } from '../src/timing';
import { WaitTimeoutError } from '../src/wait';

describe('output', () => {
  it('aligns tables, numbers to the right', () => {
    expect(formatTable([{ worker: 'w1', msgs: 7 }, { worker: 'w22', msgs: 120 }])).toEqual([
      'worker | msgs',
      '-------+-----',
      'w1     |    7',
      'w22    |  120',
    ]);
  });
  it('sorts timelines by time', () => {
    expect(formatTimeline([{ atMs: 50, who: 'b', what: 'second' }, { atMs: 0, who: 'aa', what: 'first' }])).toEqual([
      '     +0 ms  aa  first',
      '    +50 ms  b   second',
    ]);
  });
  it('numbers steps under a chapter banner and keeps what it printed', () => {
    const out = createOutput(() => {});
    out.chapter('00-sync', 'One request does everything');
    out.step('Happy path');
    out.step('Inventory down');
    expect(out.lines()).toContain('Step 2. Inventory down');
    expect(out.lines()[1]).toBe('00-sync: One request does everything');
  });
});

describe('timings', () => {
  it('scales the story waits by default and restores them on request', () => {
    expect(timings(false).get('ackWaitMs')).toBe(SCALED.ackWaitMs);
    expect(timings(true).get('ackWaitMs')).toBe(STORY.ackWaitMs);
    expect(STORY).toMatchObject({ ackWaitMs: 30_000, nakDelayMs: 30_000, pollIntervalMs: 1_000, smtpTimeoutMs: 30_000 });
    expect(timings(false).describe('ackWaitMs')).toBe("1 s (story: 30 s, scaled; --real-timings for the story's)");
  });
});

describe('cli', () => {
  const usage = 'usage: worker --id N';
  it('parses known flags and ignores the "--" pnpm passes through', () => {
    expect(parseFlags(usage, { id: { type: 'string' } }, ['--', '--id', '3'])).toEqual({ id: '3' });
    expect(parseFlags(usage, { id: { type: 'string' }, full: { type: 'boolean' } }, ['--full', '--', '--id', '3'])).toEqual({ full: true, id: '3' });
  });
  it('rejects unknown flags with the usage text', () => {
    expect(() => parseFlags(usage, { id: { type: 'string' } }, ['--bogus'])).toThrow(UsageError);
    expect(() => parseFlags(usage, { id: { type: 'string' } }, ['--bogus'])).toThrow(/usage: worker --id N/);
  });
  it('checks integers and rates', () => {
    expect(intFlag('count', '10', 1)).toBe(10);
    expect(() => intFlag('count', 'ten', 1)).toThrow('--count must be an integer');
    expect(rateValue('FAIL_RATE', '0.5')).toBe(0.5);
    expect(() => rateValue('FAIL_RATE', '2')).toThrow('FAIL_RATE must be a number from 0 to 1');
  });
});

describe('waitFor', () => {
  it('returns the first truthy value and times out with what it waited for', async () => {
    let n = 0;
    expect(await waitFor(() => (++n >= 3 ? n : 0))).toBe(3);
    await expect(waitFor(() => false, { timeoutMs: 30, what: 'the impossible' })).rejects.toThrow(WaitTimeoutError);
    await expect(waitFor(() => false, { timeoutMs: 30, what: 'the impossible' })).rejects.toThrow('waiting for the impossible');
  });
});

describe('parseTask', async () => {
  const { parseTask, MalformedPayloadError } = await import('../src/index');
  it('names what is wrong with a malformed payload', () => {
    expect(() => parseTask('nope', ['email'])).toThrow(MalformedPayloadError);
    expect(() => parseTask('[1]', ['email'])).toThrow('payload is not a JSON object');
    expect(() => parseTask('{}', ['email'])).toThrow('payload lacks field "email"');
    expect(() => parseTask('{"email":null}', ['email'])).toThrow('payload field "email" is null');
    expect(parseTask<{ email: string }>('{"email":"a@b"}', ['email']).email).toBe('a@b');
  });
});

describe('random', async () => {
  const { hashUnit, seededRandom } = await import('../src/index');
  it('repeats the same sequence for the same seed, and a keyed draw whatever the order', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(hashUnit('ORD-0001#2')).toBe(hashUnit('ORD-0001#2'));
    expect(hashUnit('ORD-0001#2')).not.toBe(hashUnit('ORD-0001#3'));
    expect(hashUnit('ORD-0001#2', 6)).not.toBe(hashUnit('ORD-0001#2'));
    const draws = Array.from({ length: 4000 }, (_, i) => hashUnit(`k${i}`));
    expect(draws.filter((d) => d < 0.5).length / draws.length).toBeGreaterThan(0.45);
    expect(draws.filter((d) => d < 0.5).length / draws.length).toBeLessThan(0.55);
  });
});

describe('--help', () => {
  it('is a request, not a mistake: HelpRequested carries the usage, and bad flags stay UsageError', async () => {
    const { HelpRequested, UsageError: Usage } = await import('../src/index');
    const usage = 'usage: demo [--count N]';
    const opts = { count: { type: 'string' as const } };
    let help: unknown;
    try { parseFlags(usage, opts, ['--help']); } catch (e) { help = e; }
    expect(help, '--help must throw HelpRequested so runMain exits 0').toBeInstanceOf(HelpRequested);
    expect((help as Error).message).toBe(usage);
    let bad: unknown;
    try { parseFlags(usage, opts, ['--bogus']); } catch (e) { bad = e; }
    expect(bad).toBeInstanceOf(Usage);
    expect(bad, 'an unknown flag is a mistake, exit 2').not.toBeInstanceOf(HelpRequested);
  });
});
