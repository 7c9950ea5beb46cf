// `pnpm verify --solutions`, for CI and for exercise authors: every reference solution passes, every
// untouched stub fails with a message, every wrong-*.ts fails with the text of its `// expect:`
// line. Lessons run side by side (their checks use private servers or their own exercise scope);
// the runs of one lesson go one after another, since they share that scope, unless the exercise
// says it is `isolated` (private servers only): then its runs overlap too.
import fs from 'node:fs';
import path from 'node:path';
import { discoverExercises, expectedText, loadExercise, relativeTo, type ExerciseFolder } from './discover';
import { isGitCheckout, showAtHead } from './git';
import { durationText, type Io } from './io';
import { problemsOf } from './report';
import { runCheck, type Outcome } from './run-check';

export const SOLUTIONS_CONCURRENCY = 3;

interface Case {
  folder: ExerciseFolder;
  label: string;
  file: string;
  judge(o: Outcome): { pass: boolean; why: string };
}

const quote = (s: string, max = 160) => (s.length > max ? `"${s.slice(0, max)}…"` : `"${s}"`);

function casesOf(folder: ExerciseFolder): Case[] {
  const cases: Case[] = [
    {
      folder,
      label: 'solution.ts passes',
      file: folder.solutionPath,
      judge: (o) =>
        o.kind === 'verdict' && o.verdict.ok
          ? { pass: true, why: `proved ${o.verdict.proved.length} things` }
          : { pass: false, why: problemsOf(o).join(' | ') },
    },
    {
      folder,
      label: 'the untouched exercise.ts fails',
      file: folder.learnerPath,
      judge: (o) => {
        if (o.kind === 'verdict' && !o.verdict.ok) return { pass: true, why: quote(o.verdict.problems[0]) };
        if (o.kind === 'verdict') return { pass: false, why: 'the stub passed the check' };
        return { pass: false, why: `it should fail with a verdict, got: ${problemsOf(o).join(' | ')}` };
      },
    },
  ];
  for (const wrong of folder.wrongPaths) {
    const expect = expectedText(wrong);
    cases.push({
      folder,
      label: `${path.basename(wrong)} fails with ${expect ? quote(expect) : '(no // expect: line)'}`,
      file: wrong,
      judge: (o) => {
        if (!expect) return { pass: false, why: `${path.basename(wrong)} has no "// expect: <text>" line in its first lines` };
        if (o.kind !== 'verdict') return { pass: false, why: problemsOf(o).join(' | ') };
        if (o.verdict.ok) return { pass: false, why: 'the wrong solution passed the check' };
        const hit = o.verdict.problems.find((p) => p.includes(expect));
        return hit ? { pass: true, why: quote(hit) } : { pass: false, why: `its problems were: ${o.verdict.problems.map((p) => quote(p)).join(' | ')}` };
      },
    });
  }
  return cases;
}

/** exercise.ts as committed: the file itself, or, when the instructor has edited it, HEAD's copy beside it. */
function untouchedStub(root: string, folder: ExerciseFolder): { file: string; cleanup(): void } {
  const rel = relativeTo(root, folder.learnerPath);
  const committed = isGitCheckout(root) ? showAtHead(root, rel) : undefined;
  if (!committed || !fs.existsSync(folder.learnerPath) || committed.equals(fs.readFileSync(folder.learnerPath))) {
    return { file: folder.learnerPath, cleanup: () => {} };
  }
  const copy = path.join(folder.dir, `exercise.untouched-${process.pid}.ts`); // git-ignored
  fs.writeFileSync(copy, committed);
  return { file: copy, cleanup: () => fs.rmSync(copy, { force: true }) };
}

async function runCase(root: string, c: Case, io: Io): Promise<boolean> {
  if (!fs.existsSync(c.file)) {
    io.out(`✘ ${c.folder.id}: ${c.label}: ${relativeTo(root, c.file)} is missing`);
    return false;
  }
  const stub = c.file === c.folder.learnerPath ? untouchedStub(root, c.folder) : { file: c.file, cleanup: () => {} };
  try {
    const o = await runCheck({ checkPath: c.folder.checkPath, modulePath: stub.file });
    const { pass, why } = c.judge(o);
    io.out(`${pass ? '✔' : '✘'} ${c.folder.id}: ${c.label} (${durationText(o.ms)}): ${why}`);
    return pass;
  } finally {
    stub.cleanup();
  }
}

export async function verifySolutions(root: string, io: Io): Promise<number> {
  const started = performance.now();
  const byLesson = new Map<string, Case[]>();
  const queue: Case[][] = []; // each entry runs in order; entries run side by side
  for (const folder of discoverExercises(root)) {
    const loaded = await loadExercise(folder);
    if (loaded.ok && loaded.exercise.isolated) queue.push(...casesOf(folder).map((c) => [c]));
    else byLesson.set(folder.lesson, [...(byLesson.get(folder.lesson) ?? []), ...casesOf(folder)]);
  }
  queue.push(...byLesson.values());
  const lessons = new Set(discoverExercises(root).map((f) => f.lesson)).size;
  let passed = 0;
  let failed = 0;
  const lane = async () => {
    for (let cases = queue.shift(); cases; cases = queue.shift()) {
      for (const c of cases) {
        if (await runCase(root, c, io)) passed += 1;
        else failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: SOLUTIONS_CONCURRENCY }, lane));
  if (passed + failed === 0) io.out('No exercises found (examples/*/exercises/*/check.ts).');
  io.out(`(${lessons} lesson${lessons === 1 ? '' : 's'}, ${durationText(Math.round(performance.now() - started))})`);
  io.out(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
