// Run this lesson's scripts (src/cli/worker.ts, src/cli/publish.ts) as real OS processes. We start
// `node --import tsx <script>` (programArgv; under `pnpm test`, a bundle of the script) rather than
// the tsx CLI: the CLI runs the script in a grandchild, so SIGKILL would hit the wrapper and leave
// the real worker running. Here the pid IS the worker.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { programArgv } from '@mq/shared/services';
import { parseReadyLine, parseWorkerLine, type WorkerLine } from './worker-line';

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export type Script = 'worker' | 'publish';

// A worker outliving its parent (Ctrl-C on the demo) would keep (and re-create) its stream, so every
// child still running when this process exits is SIGKILLed: one exit listener for all of them.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface ScriptProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Parsed per-message lines, in the order printed. */
  readonly lines: WorkerLine[];
  stdout(): string;
  stderr(): string;
  /** Resolves with the worker's "ready" line (time of day it was printed); rejects if it exits first. */
  readonly ready: Promise<{ todMs: number; worker: string }>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  /** Extra environment (NATS_URL, FAIL_RATE, ...), on top of this process's minus FAIL_RATE. */
  env?: Record<string, string>;
  /** Called synchronously for each per-message line as it arrives. */
  onLine?: (line: WorkerLine) => void;
  /** Called synchronously for every stdout line (the crash drill kills from here). */
  onText?: (text: string) => void;
}

export function spawnScript(script: Script, args: string[], opts: SpawnOptions = {}): ScriptProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  if (!opts.env?.FAIL_RATE) delete env.FAIL_RATE;
  const child = spawn(process.execPath, [...programArgv(path.join('src', 'cli', `${script}.ts`), PACKAGE_DIR), ...args], { cwd: PACKAGE_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.once('close', () => live.delete(child));
  let out = '';
  let err = '';
  let partial = '';
  const lines: WorkerLine[] = [];
  let onReady: (r: { todMs: number; worker: string }) => void = () => {};
  let onEarlyExit: (e: Error) => void = () => {};
  const ready = new Promise<{ todMs: number; worker: string }>((resolve, reject) => {
    onReady = resolve;
    onEarlyExit = reject;
  });
  ready.catch(() => {}); // callers that never wait for ready must not see an unhandled rejection
  child.stdout!.on('data', (buf: Buffer) => {
    out += buf.toString();
    partial += buf.toString();
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const text of complete) {
      opts.onText?.(text);
      const r = parseReadyLine(text);
      if (r) onReady(r);
      const line = parseWorkerLine(text);
      if (line) {
        lines.push(line);
        opts.onLine?.(line);
      }
    }
  });
  child.stderr!.on('data', (buf: Buffer) => (err += buf.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      onEarlyExit(new Error(`${script} exited (code ${code}, signal ${signal}) before it was ready:\n${err || out}`));
      resolve({ code, signal });
    });
  });
  return { child, pid: child.pid!, lines, stdout: () => out, stderr: () => err, ready, exited };
}

/**
 * Run a script to completion and collect its output. A child still running after `timeoutMs`
 * (default 30 s) is SIGKILLed and the call rejects with what it printed, so a hung script can
 * never outlive the test (or the demo) that started it.
 */
export async function runScript(
  script: Script,
  args: string[],
  opts: SpawnOptions & { timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const p = spawnScript(script, args, opts);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    p.child.kill('SIGKILL');
  }, timeoutMs);
  try {
    const { code } = await p.exited;
    if (timedOut) throw new Error(`${script} ${args.join(' ')} did not finish within ${timeoutMs} ms and was killed (SIGKILL); it printed:\n${p.stdout()}${p.stderr()}`);
    return { code, stdout: p.stdout(), stderr: p.stderr() };
  } finally {
    clearTimeout(timer);
  }
}
