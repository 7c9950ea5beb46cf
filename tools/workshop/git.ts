// The two questions the runner asks git: is this a checkout, and what does HEAD hold for a file.
import { spawnSync } from 'node:child_process';

export function isGitCheckout(root: string): boolean {
  const r = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root, encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() === 'true';
}

/** The committed content of `relPath` at HEAD, or undefined when HEAD has no such file. */
export function showAtHead(root: string, relPath: string): Buffer | undefined {
  const r = spawnSync('git', ['show', `HEAD:${relPath}`], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  return r.status === 0 ? r.stdout : undefined;
}
