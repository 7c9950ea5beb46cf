// The lifecycle every private server shares: start a binary and wait for its "ready" line, stop it
// gracefully, SIGKILL it, restart it on the same port and data, and dispose of it with its data.
import fs from 'node:fs';
import type { SpawnOptions } from 'node:child_process';
import { startProcess, stopProcess, type StartedProcess } from './process';

export interface PrivateServer {
  readonly url: string;
  readonly port: number;
  /** Graceful shutdown; data on disk survives. */
  stop(): Promise<void>;
  /** SIGKILL: no chance to flush. */
  kill(): Promise<void>;
  /** Start again on the same port and the same data directory. */
  restart(): Promise<void>;
  /** Stop and delete the data directory. */
  dispose(): Promise<void>;
  readonly running: boolean;
}

export abstract class ManagedProcess implements PrivateServer {
  private proc?: StartedProcess;
  /** The signal that asks this server for a clean shutdown. */
  protected gracefulSignal: NodeJS.Signals = 'SIGTERM';

  protected constructor(
    readonly port: number,
    /** The directory with the server's data (and anything else it needs); removed by dispose(). */
    readonly dataDir: string,
  ) {}

  abstract get url(): string;

  /** Binary, arguments, the log line that means "ready", and spawn options for one launch. */
  protected abstract command(): { binary: string; args: string[]; ready: RegExp; timeoutMs?: number; spawn?: SpawnOptions };

  protected async launch(): Promise<void> {
    const c = this.command();
    this.proc = await startProcess(c.binary, c.args, c.ready, c.timeoutMs, c.spawn);
  }

  get running(): boolean {
    return !!this.proc && this.proc.child.exitCode === null && this.proc.child.signalCode === null;
  }

  /** The server's log so far (for diagnostics). */
  log(): string {
    return this.proc?.log() ?? '';
  }

  async stop(): Promise<void> {
    await stopProcess(this.proc, this.gracefulSignal);
  }

  async kill(): Promise<void> {
    await stopProcess(this.proc, 'SIGKILL');
  }

  async restart(): Promise<void> {
    if (this.running) await this.stop();
    await this.launch();
  }

  async dispose(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
