// A throwaway checkout for the runner's tests: the fixture exercise copied to
// examples/99-fixture/exercises/99-sum/ of a fresh git repository (or of a plain folder), and an Io
// that keeps every line the commands print.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../cli';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', '99-sum');

export interface Workspace {
  root: string;
  learnerPath: string;
  dir: string;
  /** Run a command; returns its exit code and everything it printed. */
  run(...argv: string[]): Promise<{ code: number; out: string; lines: string[] }>;
  dispose(): void;
}

export function workspace(opts: { git: boolean }): Workspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'workshop-test-'));
  const dir = path.join(root, 'examples', '99-fixture', 'exercises', '99-sum');
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(FIXTURE, dir, { recursive: true });
  if (opts.git) {
    const git = (...args: string[]) => spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'fixture');
  }
  return {
    root,
    dir,
    learnerPath: path.join(dir, 'exercise.ts'),
    async run(...argv) {
      const lines: string[] = [];
      const collect = (line = '') => lines.push(...line.split('\n'));
      const code = await runCli(argv, { out: collect, err: collect }, root);
      return { code, out: lines.join('\n'), lines };
    },
    dispose: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
