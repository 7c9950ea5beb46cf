// `pnpm verify <id> [--watch]`: say what the exercise asks and what the check will do, run the check
// against the learner's exercise.ts, and print what was proved or each problem. A pass records the
// hash of the file in .workshop/state.json; the learner's file is only ever read.
import fs from 'node:fs';
import { discoverExercises, loadExercise, relativeTo, type ExerciseFolder } from './discover';
import { findExercise } from './ids';
import type { Io } from './io';
import { outcomeLines } from './report';
import { runCheck } from './run-check';
import { hashFile, readState, statusOf, updateState } from './state';

export async function verifyOne(root: string, folder: ExerciseFolder, io: Io): Promise<number> {
  const loaded = await loadExercise(folder);
  if (!loaded.ok) {
    io.out(`⚠ ${folder.id} cannot be checked: ${loaded.error}. This is a bug in the exercise, not in your code.`);
    return 1;
  }
  const ex = loaded.exercise;
  io.out(`${ex.id}: ${ex.title} (about ${ex.minutes} min)`);
  io.out(`Goal: ${ex.goal}`);
  io.out('The check will:');
  for (const c of ex.checks) io.out(`  • ${c}`);
  if (!fs.existsSync(folder.learnerPath)) {
    io.out(`✘ ${relativeTo(root, folder.learnerPath)} is missing. \`pnpm workshop reset ${folder.id}\` brings the stub back.`);
    return 1;
  }
  io.out(`Checking ${relativeTo(root, folder.learnerPath)} ...`);
  const hashBefore = hashFile(folder.learnerPath);
  const outcome = await runCheck({
    checkPath: folder.checkPath,
    modulePath: folder.learnerPath,
    onLog: (line) => io.out(`  … ${line}`),
    onOutput: (line) => io.out(`  │ ${line}`),
  });
  for (const line of outcomeLines(ex.id, outcome)) io.out(line);
  const passed = outcome.kind === 'verdict' && outcome.verdict.ok;
  if (passed && hashBefore) {
    const state = updateState(root, (s) => {
      s.passed[ex.id] = { hash: hashBefore, at: new Date().toISOString() };
    });
    // The next one still to do after this one, in lesson order (then any earlier one left): a class
    // that starts at lesson 03 is not sent back to 01 after every pass.
    const all = discoverExercises(root);
    const here = all.findIndex((e) => e.id === ex.id);
    const todo = (e: (typeof all)[number]) => statusOf(state, e.id, e.learnerPath) !== 'passing';
    const next = all.slice(here + 1).find(todo) ?? all.slice(0, here).find(todo);
    io.out(next ? `Next: pnpm verify ${next.id}` : 'Every exercise passes. Well done.');
  } else if (!passed && outcome.kind === 'verdict') {
    io.out(`Stuck? pnpm hint ${ex.id}`);
  }
  return passed ? 0 : 1;
}

/** Re-check on every save of exercise.ts until Ctrl-C. Editors often replace the file, so the folder is watched. */
export async function watch(root: string, folder: ExerciseFolder, io: Io, signal?: AbortSignal): Promise<number> {
  let running = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let lastHash = hashFile(folder.learnerPath);
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    do {
      again = false;
      lastHash = hashFile(folder.learnerPath);
      await verifyOne(root, folder, io);
      io.out(`\nWatching ${relativeTo(root, folder.learnerPath)}: save it to check again, Ctrl-C to stop.`);
    } while (again);
    running = false;
  };
  await run();
  const watcher = fs.watch(folder.dir, (_event, name) => {
    if (name !== 'exercise.ts') return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      const h = hashFile(folder.learnerPath);
      if (h === lastHash) return; // touched or saved without a change
      io.out(`\n── ${relativeTo(root, folder.learnerPath)} changed ──`);
      void run();
    }, 250);
  });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    signal?.addEventListener('abort', stop);
    process.once('SIGINT', stop);
  });
  watcher.close();
  clearTimeout(timer);
  return 0;
}

export async function verifyCommand(root: string, id: string | undefined, opts: { watch: boolean }, io: Io): Promise<number> {
  const folder = findExercise(root, id, 'verify');
  if (opts.watch) return watch(root, folder, io);
  return verifyOne(root, folder, io);
}

export { readState };
