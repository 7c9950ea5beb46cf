// A private, throwaway redis-server that a test or demo owns. Without persistence by default
// (the story's setup: a restart empties it); `appendonly: true` gives the AOF variant.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findBinary, freePort, startProcess, stopProcess, type StartedProcess } from './process';
import type { PrivateServer } from './nats-server';

export interface PrivateRedisOptions {
  port?: number;
  /** Enable AOF with the given fsync policy (the story tries `everysec`). */
  appendonly?: boolean;
  appendfsync?: 'always' | 'everysec' | 'no';
}

export function redisServerBinary(): string | undefined {
  return process.env.REDIS_SERVER_BIN ?? findBinary('redis-server', ['/usr/bin', '/usr/local/bin']);
}

export class PrivateRedisServer implements PrivateServer {
  private proc?: StartedProcess;
  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly binary: string,
    private readonly opts: PrivateRedisOptions,
  ) {}

  static async start(opts: PrivateRedisOptions = {}): Promise<PrivateRedisServer> {
    const binary = redisServerBinary();
    if (!binary) throw new Error('redis-server is not installed (apt-get install redis-server, or set REDIS_SERVER_BIN)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mq-redis-'));
    const server = new PrivateRedisServer(opts.port ?? (await freePort()), dir, binary, opts);
    await server.launch();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !!this.proc && this.proc.child.exitCode === null && this.proc.child.signalCode === null;
  }

  private async launch(): Promise<void> {
    const args = ['--bind', '127.0.0.1', '--port', String(this.port), '--dir', this.dir, '--save', '', '--daemonize', 'no'];
    args.push('--appendonly', this.opts.appendonly ? 'yes' : 'no');
    if (this.opts.appendonly) args.push('--appendfsync', this.opts.appendfsync ?? 'everysec');
    this.proc = await startProcess(this.binary, args, /Ready to accept connections/);
  }

  /** Graceful: SIGTERM makes redis write its AOF (if enabled) and exit. */
  async stop(): Promise<void> {
    await stopProcess(this.proc, 'SIGTERM');
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
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
