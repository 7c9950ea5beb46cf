// Which exercises exist: every examples/<lesson>/exercises/<id>/check.ts, in lesson order. Lesson
// owners add folders in the CONTRIBUTING format and the runner finds them; nothing is registered.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Exercise } from '../../shared/src/workshop/index';

export interface ExerciseFolder {
  /** The folder name, which is the exercise id by convention (check.ts says the same). */
  id: string;
  lesson: string;
  dir: string;
  checkPath: string;
  learnerPath: string;
  solutionPath: string;
  /** wrong-*.ts files, sorted. */
  wrongPaths: string[];
  hintsPath: string;
}

export function discoverExercises(root: string): ExerciseFolder[] {
  const examples = path.join(root, 'examples');
  if (!fs.existsSync(examples)) return [];
  const found: ExerciseFolder[] = [];
  for (const lesson of fs.readdirSync(examples).sort()) {
    const exDir = path.join(examples, lesson, 'exercises');
    if (!fs.existsSync(exDir) || !fs.statSync(exDir).isDirectory()) continue;
    for (const id of fs.readdirSync(exDir).sort()) {
      const dir = path.join(exDir, id);
      const checkPath = path.join(dir, 'check.ts');
      if (!fs.existsSync(checkPath)) continue;
      const wrongPaths = fs
        .readdirSync(dir)
        .filter((f) => /^wrong-.*\.ts$/.test(f))
        .sort()
        .map((f) => path.join(dir, f));
      found.push({
        id,
        lesson,
        dir,
        checkPath,
        learnerPath: path.join(dir, 'exercise.ts'),
        solutionPath: path.join(dir, 'solution.ts'),
        wrongPaths,
        hintsPath: path.join(dir, 'hints.md'),
      });
    }
  }
  return found;
}

export type LoadedExercise = { ok: true; exercise: Exercise } | { ok: false; error: string };

/** Import a check.ts for its title, minutes, goal and checks (the check itself runs in a child process). */
export async function loadExercise(folder: ExerciseFolder): Promise<LoadedExercise> {
  try {
    const mod = (await import(pathToFileURL(folder.checkPath).href)) as { default?: Exercise };
    const ex = mod.default;
    if (!ex || typeof ex.check !== 'function' || typeof ex.id !== 'string') {
      return { ok: false, error: 'check.ts has no `export default defineExercise({...})`' };
    }
    if (ex.id !== folder.id) return { ok: false, error: `check.ts says its id is "${ex.id}" but its folder is "${folder.id}"` };
    return { ok: true, exercise: ex };
  } catch (err) {
    return { ok: false, error: `check.ts does not load: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}` };
  }
}

/** The `// expect: ...` line of a wrong solution. */
export function expectedText(wrongPath: string): string | undefined {
  const head = fs.readFileSync(wrongPath, 'utf8').split('\n').slice(0, 12);
  const line = head.find((l) => /^\s*\/\/\s*expect:/.test(l));
  return line?.replace(/^\s*\/\/\s*expect:\s*/, '').trim() || undefined;
}

export function relativeTo(root: string, p: string): string {
  return path.relative(root, p).split(path.sep).join('/');
}
