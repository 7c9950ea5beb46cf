// Start crashy-worker.ts as a real child process (programArgv: node + the tsx loader, or the test
// suite's bundle of it, so the pid we kill is the worker itself, not a wrapper), wait until it says which task it took, and let the caller
// SIGKILL it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { programArgv } from '@mq/shared/services';

/** Which queue's claim the child uses: BRPOP, BLMOVE (reliable list) or XREADGROUP (stream). */
export type CrashyMode = 'list' | 'reliable' | 'stream';

export interface CrashySpec {
  url: string;
  mode: CrashyMode;
  /** The list key, the reliable queue key, or the stream key. */
  key: string;
  /** Prefix of the DoneLedger the child would write to if it ever finished. */
  ledger: string;
  group?: string;
  name?: string;
  /** How long its "work" lasts (default: far longer than anyone waits). */
  workMs?: number;
}

export interface CrashyChild {
  pid: number;
  /** The task it reported taking. */
  taskId: string;
  worker: string;
  /** SIGKILL it and wait for it to be gone; resolves with the signal that ended it. */
  kill(): Promise<NodeJS.Signals | null>;
}

const script = fileURLToPath(new URL('./crashy-worker.ts', import.meta.url));

export function spawnCrashyWorker(spec: CrashySpec, timeoutMs = 20_000): Promise<CrashyChild> {
  const args = [...programArgv(script), '--url', spec.url, '--mode', spec.mode, '--key', spec.key, '--ledger', spec.ledger];
  if (spec.group) args.push('--group', spec.group);
  if (spec.name) args.push('--name', spec.name);
  if (spec.workMs !== undefined) args.push('--work-ms', String(spec.workMs));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`crashy worker took no task within ${timeoutMs} ms${err ? `: ${err.trim()}` : ''}`)), timeoutMs);
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    };
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = out.match(/^TOOK (.+)$/m);
      if (!m || settled) return;
      settled = true;
      clearTimeout(timer);
      const took = JSON.parse(m[1]) as { id: string; pid: number; worker: string };
      resolve({
        pid: took.pid,
        taskId: took.id,
        worker: took.worker,
        kill: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          return exited;
        },
      });
    });
    child.once('exit', (code) => fail(new Error(`crashy worker exited (code ${code}) before taking a task${err ? `: ${err.trim()}` : ''}`)));
  });
}
