// Start a server binary as a child process and wait until its log says it is ready.
// Shared by the private nats-server, redis-server and postgres helpers.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface StartedProcess {
  child: ChildProcess;
  /** Everything the process printed so far (stdout + stderr). */
  log(): string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

export function startProcess(
  cmd: string,
  args: string[],
  readyPattern: RegExp,
  timeoutMs = 10_000,
  options: SpawnOptions = {},
): Promise<StartedProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    let done = false;
    const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        child.kill('SIGKILL');
        reject(err);
      } else resolve({ child, log: () => output, exited });
    };
    const onData = (buf: Buffer) => {
      output += buf.toString();
      if (readyPattern.test(output)) finish();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (err) => finish(new Error(`could not run ${cmd}: ${err.message}`)));
    child.once('exit', (code) => finish(new Error(`${cmd} exited with code ${code} before it was ready:\n${output.trim().split('\n').slice(-5).join('\n')}`)));
    const timer = setTimeout(() => finish(new Error(`${cmd} was not ready within ${timeoutMs} ms:\n${output.slice(-500)}`)), timeoutMs);
  });
}

/** Send a signal and wait for the process to exit (SIGKILL after `graceMs`). */
export async function stopProcess(p: StartedProcess | undefined, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill(signal);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
}

/** Is there an executable with this name in `extraDirs` or on PATH? (No shell: a stat per candidate.) */
export function findBinary(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...extraDirs, ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean)];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Ask the OS for a free loopback TCP port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Does something accept TCP connections at host:port? */
export function tcpReachable(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Did a server fail to start because its port was taken (by someone who grabbed the same free port)? */
export function isPortInUse(err: unknown): boolean {
  return err instanceof Error && /address already in use/i.test(err.message);
}

/**
 * freePort() can only promise a port that was free a moment ago: a parallel test may grab it first.
 * Retry the whole start with fresh ports when that happens.
 */
export async function withFreshPorts<T>(start: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await start();
    } catch (err) {
      if (!isPortInUse(err) || i >= attempts) throw err;
    }
  }
}
