// The runner's commands on a fixture exercise: status, verify's exit codes and sentences, the
// learner's file left untouched, hint paging, and reset with its backup (and its refusal outside git).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashFile } from '../state';
import { workspace } from './workspace';

const ws = workspace({ git: true });
afterAll(() => ws.dispose());
const solution = () => fs.readFileSync(path.join(ws.dir, 'solution.ts'), 'utf8');

describe('pnpm workshop / verify', () => {
  it('lists the exercise as todo and names it as next', async () => {
    const r = await ws.run('workshop');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/99-sum\s+· {2}todo\s+Add two numbers \(2 min\)/);
    expect(r.out).toContain('Next: 99-sum.');
  });

  it('fails the untouched stub with its sentence, exit 1, and leaves the file as it was', async () => {
    const before = { hash: hashFile(ws.learnerPath), mtime: fs.statSync(ws.learnerPath).mtimeMs };
    const r = await ws.run('verify', '99-sum');
    expect(r.code).toBe(1);
    expect(r.lines).toContain('  ✘ TODO: sum(2, 3) (not written yet)');
    expect(r.out).toContain('Goal: sum(a, b) returns a + b.');
    expect(r.out).toContain('Stuck? pnpm hint 99-sum');
    expect({ hash: hashFile(ws.learnerPath), mtime: fs.statSync(ws.learnerPath).mtimeMs }, 'the learner file after verify').toEqual(before);
  });

  it('names each problem of a wrong answer', async () => {
    fs.writeFileSync(ws.learnerPath, fs.readFileSync(path.join(ws.dir, 'wrong-off-by-one.ts')));
    const r = await ws.run('verify', '99-sum');
    expect(r.code).toBe(1);
    expect(r.lines.filter((l) => l.startsWith('  ✘ '))).toEqual(['  ✘ sum(2, 3) returned 6, not 5', '  ✘ sum(-1, 1) returned 1, not 0']);
  });

  it('passes a right answer with what it proved, exit 0, and records it: passing, then changed after an edit', async () => {
    fs.writeFileSync(ws.learnerPath, solution());
    const r = await ws.run('verify', '99-sum');
    expect(r.code).toBe(0);
    expect(r.out).toContain('✔ 99-sum passes');
    expect(r.out).toContain('  ✔ sum(2, 3) is 5 and sum(-1, 1) is 0');
    expect(r.out).toContain('  … adding');
    expect((await ws.run('workshop')).out).toMatch(/99-sum\s+✔ {2}passing/);
    fs.appendFileSync(ws.learnerPath, '// a later edit\n');
    expect((await ws.run('workshop')).out).toMatch(/99-sum\s+~ {2}changed since it passed/);
  });

  it('answers an unknown id with the list of ids, exit 2, and --help with exit 0', async () => {
    const r = await ws.run('verify', '99-sun');
    expect(r.code).toBe(2);
    expect(r.out).toContain('There is no exercise "99-sun". The exercises are:\n  99-sum');
    expect((await ws.run('hint', 'nope')).code).toBe(2);
    expect((await ws.run('workshop', 'reset', 'nope')).code).toBe(2);
    for (const cmd of ['workshop', 'verify', 'hint']) expect((await ws.run(cmd, '--help')).code, `${cmd} --help`).toBe(0);
    expect((await ws.run('verify', '--bogus')).code).toBe(2);
  });
});

describe('pnpm hint', () => {
  it('pages through the hints one at a time, remembers, and starts over on --reset', async () => {
    const first = ['Hint 1 of 3 for 99-sum:', '  First hint.'];
    expect((await ws.run('hint', '99-sum')).lines.slice(0, 2)).toEqual(first);
    expect((await ws.run('hint', '99-sum')).lines.slice(0, 3)).toEqual(['Hint 2 of 3 for 99-sum:', '  Second hint,', '  on two lines.']);
    expect((await ws.run('hint', '99-sum')).lines.slice(0, 2)).toEqual(['Hint 3 of 3 for 99-sum:', '  Third: return a + b.']);
    expect((await ws.run('hint', '99-sum')).lines[0]).toBe('That was the last hint (3 of 3) for 99-sum.');
    const all = await ws.run('hint', '99-sum', '--all');
    expect(all.lines.filter((l) => l.startsWith('Hint '))).toEqual(['Hint 1 of 3 for 99-sum:', 'Hint 2 of 3 for 99-sum:', 'Hint 3 of 3 for 99-sum:']);
    await ws.run('hint', '99-sum', '--reset');
    expect((await ws.run('hint', '99-sum')).lines.slice(0, 2)).toEqual(first);
  });
});

describe('pnpm workshop reset', () => {
  it('backs up the learner file, then restores the committed stub', async () => {
    const mine = '// my attempt\nexport const sum = (a: number, b: number) => a - b;\n';
    fs.writeFileSync(ws.learnerPath, mine);
    const r = await ws.run('workshop', 'reset', '99-sum');
    expect(r.code).toBe(0);
    const backups = fs.readdirSync(path.join(ws.root, '.workshop', 'backup'));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^99-sum-\d{4}-\d\d-\d\dT.*\.ts$/);
    expect(fs.readFileSync(path.join(ws.root, '.workshop', 'backup', backups[0]), 'utf8')).toBe(mine);
    expect(fs.readFileSync(ws.learnerPath, 'utf8')).toContain("name: 'NotWrittenYet'");
    expect(r.out).toContain(`Your version is saved in .workshop/backup/${backups[0]}.`);
  });

  it('refuses outside a git checkout with a sentence, and touches nothing', async () => {
    const plain = workspace({ git: false });
    try {
      fs.writeFileSync(plain.learnerPath, 'mine\n');
      const r = await plain.run('workshop', 'reset', '99-sum');
      expect(r.code).toBe(1);
      expect(r.out).toContain('is not a git checkout, so there is no committed stub to restore. Your file was not touched.');
      expect(fs.readFileSync(plain.learnerPath, 'utf8')).toBe('mine\n');
      expect(fs.existsSync(path.join(plain.root, '.workshop', 'backup'))).toBe(false);
    } finally {
      plain.dispose();
    }
  });
});

describe('after a pass', () => {
  it('names the next exercise still to do after this one, not the first of the course', async () => {
    const w = workspace({ git: false });
    try {
      const fixtureDir = path.dirname(w.dir);
      for (const id of ['97-sum', '98-sum']) {
        fs.cpSync(w.dir, path.join(fixtureDir, id), { recursive: true });
        const check = path.join(fixtureDir, id, 'check.ts');
        fs.writeFileSync(check, fs.readFileSync(check, 'utf8').replace("id: '99-sum'", `id: '${id}'`));
      }
      const learner = path.join(fixtureDir, '98-sum', 'exercise.ts');
      fs.writeFileSync(learner, fs.readFileSync(path.join(fixtureDir, '98-sum', 'solution.ts')));
      const r = await w.run('verify', '98-sum');
      expect(r.code, r.out).toBe(0);
      expect(r.out, 'after 98-sum passes, 97-sum (earlier, still todo) must not come first').toContain('Next: pnpm verify 99-sum');
    } finally {
      w.dispose();
    }
  });
});
