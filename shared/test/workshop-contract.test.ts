// The helpers every exercise check leans on: a learner file that does not load or lacks an export
// is one sentence (the compiler's line, no stack), and a subject or payload is shown escaped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeThrown, escapeForDisplay, importUnderTest, NotWrittenYet } from '../src/workshop/index';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-contract-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

describe('importUnderTest', () => {
  it('answers a syntax error with the compiler line, file name first, no stack', async () => {
    const r = await importUnderTest<{ f(): void }>(file('broken.ts', 'export function f() {\n  return {\n'), ['f']);
    // tsx (what `pnpm verify` runs) says `broken.ts:3:0: ERROR: Expected "}" but found end of file`;
    // vitest's transformer words it its own way. Either way: the compiler's line, one line.
    expect(r.ok).toBe(false);
    const [problem] = r.ok ? [] : r.problems;
    expect(problem).toMatch(/^broken\.ts does not load: .*Expected .}. but found/);
    expect(problem).not.toContain('\n');
  });

  it('names the exports that are missing', async () => {
    const r = await importUnderTest<{ f(): void; g(): void }>(file('partial.ts', 'export const f = () => 1;\n'), ['f', 'g']);
    expect(r).toEqual({ ok: false, problems: ['partial.ts must export the function g'] });
  });

  it('hands back the module when it has every export', async () => {
    const r = await importUnderTest<{ f(): number }>(file('fine.ts', 'export const f = () => 41 + 1;\n'), ['f']);
    expect(r.ok && r.module.f()).toBe(42);
  });
});

describe('escapeForDisplay and describeThrown', () => {
  it('escapes every character outside printable ASCII, quotes and backslashes included', () => {
    expect(escapeForDisplay('orders.\u202Eevil')).toBe("'orders.\\u202Eevil'");
    expect(escapeForDisplay("a'b\\c\n\uD800")).toBe("'a\\'b\\\\c\\u000A\\uD800'");
  });

  it('cuts a long string and says how long it was', () => {
    expect(escapeForDisplay('x'.repeat(300), 5)).toBe("'xxxxx…' (300 characters)");
  });

  it('gives a stub\'s NotWrittenYet as its sentence, whichever copy of the class threw it', () => {
    expect(describeThrown(new NotWrittenYet('publishOrder(js, order)'))).toBe('TODO: publishOrder(js, order) (not written yet)');
    expect(describeThrown(Object.assign(new Error('TODO: f (not written yet)'), { name: 'NotWrittenYet' }))).toBe('TODO: f (not written yet)');
    expect(describeThrown(new RangeError('bad'))).toBe('RangeError: bad');
  });
});
