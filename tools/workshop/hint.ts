// `pnpm hint <id> [--all|--reset]`: the hints of hints.md one at a time, gentle first. How many were
// shown is remembered in .workshop/state.json, so the next call gives the next hint.
import fs from 'node:fs';
import { findExercise } from './ids';
import type { Io } from './io';
import { readState, updateState } from './state';

/** hints.md: hints separated by lines holding only `---`. */
export function parseHints(text: string): string[] {
  return text
    .split(/^---[ \t]*$/m)
    .map((h) => h.trim())
    .filter((h) => h.length > 0);
}

export function hintCommand(root: string, id: string | undefined, opts: { all: boolean; reset: boolean }, io: Io): number {
  const folder = findExercise(root, id, 'hint');
  if (!fs.existsSync(folder.hintsPath)) {
    io.out(`${folder.id} has no hints.md yet.`);
    return 0;
  }
  const hints = parseHints(fs.readFileSync(folder.hintsPath, 'utf8'));
  const show = (i: number) => {
    io.out(`Hint ${i + 1} of ${hints.length} for ${folder.id}:`);
    for (const line of hints[i].split('\n')) io.out(`  ${line}`);
  };
  if (opts.reset) {
    updateState(root, (s) => {
      delete s.hintsShown[folder.id];
    });
    io.out(`Hints of ${folder.id} start over: the next \`pnpm hint ${folder.id}\` shows hint 1 of ${hints.length}.`);
    return 0;
  }
  if (opts.all) {
    hints.forEach((_, i) => {
      if (i > 0) io.out();
      show(i);
    });
    updateState(root, (s) => {
      s.hintsShown[folder.id] = hints.length;
    });
    return 0;
  }
  const shown = readState(root).hintsShown[folder.id] ?? 0;
  if (shown >= hints.length) {
    io.out(`That was the last hint (${hints.length} of ${hints.length}) for ${folder.id}.`);
    io.out(`pnpm hint ${folder.id} --all shows them all again; --reset starts over.`);
    return 0;
  }
  show(shown);
  updateState(root, (s) => {
    s.hintsShown[folder.id] = shown + 1;
  });
  io.out(shown + 1 < hints.length ? `(pnpm hint ${folder.id} again for the next one)` : '(that was the last hint)');
  return 0;
}
