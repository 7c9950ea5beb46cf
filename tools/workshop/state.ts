// The learner's progress, kept out of git in .workshop/state.json: for each exercise the hash of
// the learner file when it last passed (so a later edit shows as "changed since it passed") and
// how many hints were shown. Never the learner's own files.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { STATE_DIR } from './paths';

export interface WorkshopState {
  passed: Record<string, { hash: string; at: string }>;
  hintsShown: Record<string, number>;
}

export type Status = 'todo' | 'passing' | 'changed';

function statePath(root: string): string {
  return path.join(root, STATE_DIR, 'state.json');
}

export function readState(root: string): WorkshopState {
  try {
    const raw = JSON.parse(fs.readFileSync(statePath(root), 'utf8')) as Partial<WorkshopState>;
    return { passed: raw.passed ?? {}, hintsShown: raw.hintsShown ?? {} };
  } catch {
    return { passed: {}, hintsShown: {} };
  }
}

/** Read, change and write back (write to a temp file, then rename: a Ctrl-C never leaves half a file). */
export function updateState(root: string, change: (s: WorkshopState) => void): WorkshopState {
  const state = readState(root);
  change(state);
  const file = statePath(root);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  fs.renameSync(tmp, file);
  return state;
}

export function hashFile(file: string): string | undefined {
  if (!fs.existsSync(file)) return undefined;
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export function statusOf(state: WorkshopState, id: string, learnerPath: string): Status {
  const passed = state.passed[id];
  if (!passed) return 'todo';
  return passed.hash === hashFile(learnerPath) ? 'passing' : 'changed';
}
