// Run one check against one file in a child process (check-child.ts) with a hard time limit, and
// turn whatever happened into an Outcome the commands print: a verdict, a bug in the check, an
// error that escaped, or a timeout. The child gets its own process group, so a timeout kills the
// private servers the check started along with it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Verdict } from '../../shared/src/workshop/index';
import type { ChildMessage } from './check-child';

export const CHECK_TIME_LIMIT_MS = 20_000;

export type Outcome =
  | { kind: 'verdict'; verdict: Verdict; ms: number }
  | { kind: 'check-bug'; message: string; ms: number }
  | { kind: 'escaped'; message: string; ms: number }
  | { kind: 'timeout'; ms: number }
  | { kind: 'died'; message: string; ms: number };

export interface RunOptions {
  checkPath: string;
  modulePath: string;
  timeLimitMs?: number;
  onLog?: (line: string) => void;
  /** The learner's own console output (stdout and stderr of the child), line by line. */
  onOutput?: (line: string) => void;
}

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'check-child.ts');
const TSX = import.meta.resolve('tsx');

export function runCheck(opts: RunOptions): Promise<Outcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const limit = opts.timeLimitMs ?? CHECK_TIME_LIMIT_MS;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, CHILD, opts.checkPath, opts.modulePath], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
      cwd: path.dirname(opts.modulePath),
    });
    let settled: Outcome | undefined;
    const settle = (o: Outcome) => {
      if (!settled) settled = o;
    };
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(() => {
      settle({ kind: 'timeout', ms: elapsed() });
      killGroup();
    }, limit);
    const lines = (stream: NodeJS.ReadableStream) => {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buf += chunk;
        const parts = buf.split('\n');
        buf = parts.pop() ?? '';
        for (const l of parts) opts.onOutput?.(l);
      });
      stream.on('end', () => buf && opts.onOutput?.(buf));
    };
    lines(child.stdout!);
    lines(child.stderr!);
    child.on('message', (raw) => {
      const msg = raw as ChildMessage;
      if (msg.type === 'log') opts.onLog?.(msg.line);
      else if (msg.type === 'verdict') settle({ kind: 'verdict', verdict: msg.verdict, ms: elapsed() });
      else settle({ kind: msg.type, message: msg.message, ms: elapsed() });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // The check's own children (private servers) share the group: make sure none outlives it.
      killGroup();
      settle({
        kind: 'died',
        message: `the check's process ended without an answer (${signal ?? `exit code ${code}`}): does the code under test call process.exit?`,
        ms: elapsed(),
      });
      resolve(settled!);
    });
  });
}
