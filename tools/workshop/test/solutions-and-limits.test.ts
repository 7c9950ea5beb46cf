// verify --solutions on the fixture (solution passes, stub and wrong fail, the CI summary line), a
// check with a bug of its own reported as such, the time limit, and --watch re-checking on save.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../shared/src/wait';
import { runCheck } from '../run-check';
import { watch } from '../verify';
import { discoverExercises } from '../discover';
import { workspace } from './workspace';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const ws = workspace({ git: true });
afterAll(() => ws.dispose());

describe('pnpm verify --solutions', () => {
  it('passes the solution, fails the stub and the wrong file with its expect text, and ends with the summary line', async () => {
    const r = await ws.run('verify', '--solutions');
    expect(r.code, r.out).toBe(0);
    expect(r.lines.filter((l) => l.startsWith('✔ ')).map((l) => l.replace(/ \([\d.]+ m?s\).*/, '')).sort()).toEqual([
      '✔ 99-sum: solution.ts passes',
      '✔ 99-sum: the untouched exercise.ts fails',
      '✔ 99-sum: wrong-off-by-one.ts fails with "sum(2, 3) returned 6"',
    ]);
    expect(r.lines.at(-1)).toBe('3 passed, 0 failed');
  });

  it('fails, exit 1, when a wrong file passes or the stub was edited into a solution and committed', async () => {
    fs.writeFileSync(path.join(ws.dir, 'wrong-off-by-one.ts'), '// expect: returned 6\nexport const sum = (a: number, b: number) => a + b;\n');
    const r = await ws.run('verify', '--solutions');
    expect(r.code).toBe(1);
    expect(r.out).toContain('✘ 99-sum: wrong-off-by-one.ts fails with "returned 6"');
    expect(r.out).toContain('the wrong solution passed the check');
    expect(r.lines.at(-1)).toBe('2 passed, 1 failed');
  });
});

describe('runCheck', () => {
  it('reports an exception in the check as a bug in the check, not as the learner failing', async () => {
    const o = await runCheck({ checkPath: path.join(fixtures, 'broken-check.ts'), modulePath: path.join(fixtures, '99-sum', 'solution.ts') });
    expect(o.kind).toBe('check-bug');
    expect(o.kind === 'check-bug' && o.message).toMatch(/^TypeError: .*streams.* \(at broken-check\.ts:\d+\)$/);
  });

  it('stops a check at the time limit and says so', async () => {
    const o = await runCheck({ checkPath: path.join(fixtures, 'hanging-check.ts'), modulePath: path.join(fixtures, '99-sum', 'solution.ts'), timeLimitMs: 1500 });
    expect(o.kind).toBe('timeout');
    expect(o.ms).toBeGreaterThanOrEqual(1500);
  });
});

describe('pnpm verify --watch', () => {
  it('checks again when the learner saves, and stops on abort', async () => {
    const [folder] = discoverExercises(ws.root);
    const lines: string[] = [];
    const collect = (l = '') => void lines.push(...l.split('\n'));
    const io = { out: collect, err: collect };
    const stop = new AbortController();
    const watching = watch(ws.root, folder, io, stop.signal);
    await waitFor(() => lines.some((l) => l.startsWith('Watching ')), { timeoutMs: 15_000, what: 'the first check' });
    expect(lines).toContain('  ✘ TODO: sum(2, 3) (not written yet)');
    fs.writeFileSync(folder.learnerPath, fs.readFileSync(folder.solutionPath));
    await waitFor(() => lines.some((l) => l.startsWith('✔ 99-sum passes')), { timeoutMs: 15_000, what: 'the check after the save' });
    expect(lines, 'one check per save').toContain('── examples/99-fixture/exercises/99-sum/exercise.ts changed ──');
    stop.abort();
    expect(await watching).toBe(0);
  });
});
