// `pnpm workshop`: every exercise in lesson order with its status and the next one to do, and
// `pnpm workshop reset <id>`: the stub back from git, only when asked, after a backup of the
// learner's file in .workshop/backup/.
import fs from 'node:fs';
import path from 'node:path';
import { discoverExercises, loadExercise, relativeTo } from './discover';
import { isGitCheckout, showAtHead } from './git';
import { findExercise } from './ids';
import type { Io } from './io';
import { STATE_DIR } from './paths';
import { readState, statusOf, updateState, type Status } from './state';

const STATUS_TEXT: Record<Status, string> = {
  todo: '·  todo',
  passing: '✔  passing',
  changed: '~  changed since it passed',
};

export async function listCommand(root: string, io: Io): Promise<number> {
  const folders = discoverExercises(root);
  if (folders.length === 0) {
    io.out('No exercises yet (the runner looks for examples/*/exercises/*/check.ts).');
    return 0;
  }
  const state = readState(root);
  const width = Math.max(...folders.map((f) => f.id.length));
  let next: string | undefined;
  let passing = 0;
  let minutesLeft = 0;
  io.out('Exercises, in lesson order:');
  for (const f of folders) {
    const loaded = await loadExercise(f);
    const status = statusOf(state, f.id, f.learnerPath);
    if (status === 'passing') passing += 1;
    else next ??= f.id;
    const about = loaded.ok ? `${loaded.exercise.title} (${loaded.exercise.minutes} min)` : `⚠ ${loaded.error}`;
    if (loaded.ok && status !== 'passing') minutesLeft += loaded.exercise.minutes;
    io.out(`  ${f.id.padEnd(width)}  ${STATUS_TEXT[status].padEnd(27)} ${about}`);
  }
  io.out();
  io.out(`${passing} of ${folders.length} passing${minutesLeft ? `, about ${minutesLeft} min of exercises left` : ''}.`);
  if (next) {
    const f = folders.find((x) => x.id === next)!;
    io.out(`Next: ${next}. Edit ${relativeTo(root, f.learnerPath)}, then: pnpm verify ${next}  (pnpm hint ${next} when stuck)`);
  } else {
    io.out('Every exercise passes.');
  }
  return 0;
}

export function resetCommand(root: string, id: string | undefined, io: Io, now = new Date()): number {
  const folder = findExercise(root, id, 'workshop reset');
  const rel = relativeTo(root, folder.learnerPath);
  if (!isGitCheckout(root)) {
    io.err(`✘ Cannot reset ${folder.id}: ${root} is not a git checkout, so there is no committed stub to restore. Your file was not touched.`);
    return 1;
  }
  const stub = showAtHead(root, rel);
  if (!stub) {
    io.err(`✘ Cannot reset ${folder.id}: git has no committed ${rel} at HEAD. Your file was not touched.`);
    return 1;
  }
  if (fs.existsSync(folder.learnerPath)) {
    const current = fs.readFileSync(folder.learnerPath);
    if (current.equals(stub)) {
      io.out(`${rel} is already the untouched stub; nothing to do.`);
      return 0;
    }
    const stamp = now.toISOString().replace(/[:.]/g, '-');
    const backup = path.join(root, STATE_DIR, 'backup', `${folder.id}-${stamp}.ts`);
    fs.mkdirSync(path.dirname(backup), { recursive: true });
    fs.writeFileSync(backup, current);
    io.out(`Your version is saved in ${relativeTo(root, backup)}.`);
  }
  fs.writeFileSync(folder.learnerPath, stub);
  updateState(root, (s) => {
    delete s.passed[folder.id];
  });
  io.out(`${rel} is the stub again. pnpm verify ${folder.id} when you have written it.`);
  return 0;
}
