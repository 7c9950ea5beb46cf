// A private, throwaway redis-server that a test or demo owns. Without persistence by default
// (the story's setup: a restart empties it); `appendonly: true` gives the AOF variant.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManagedProcess } from './managed-process';
import { findBinary, freePort, withFreshPorts } from './process';

export interface PrivateRedisOptions {
  port?: number;
  /** Enable AOF with the given fsync policy (the story tries `everysec`). */
  appendonly?: boolean;
  appendfsync?: 'always' | 'everysec' | 'no';
}

export function redisServerBinary(): string | undefined {
  return process.env.REDIS_SERVER_BIN ?? findBinary('redis-server', ['/usr/bin', '/usr/local/bin']);
}

export class PrivateRedisServer extends ManagedProcess {
  private constructor(
    port: number,
    readonly dir: string,
    private readonly binary: string,
    private readonly opts: PrivateRedisOptions,
  ) {
    super(port, dir);
  }

  static async start(opts: PrivateRedisOptions = {}): Promise<PrivateRedisServer> {
    const binary = redisServerBinary();
    if (!binary) throw new Error('redis-server is not installed (apt-get install redis-server, or set REDIS_SERVER_BIN)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mq-redis-'));
    const launch = async (port: number) => {
      const server = new PrivateRedisServer(port, dir, binary, opts);
      await server.launch();
      return server;
    };
    try {
      return await (opts.port !== undefined ? launch(opts.port) : withFreshPorts(async () => launch(await freePort())));
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Graceful stop is SIGTERM: redis writes its AOF (if enabled) and exits. */
  protected command() {
    const args = ['--bind', '127.0.0.1', '--port', String(this.port), '--dir', this.dir, '--save', '', '--daemonize', 'no'];
    args.push('--appendonly', this.opts.appendonly ? 'yes' : 'no');
    if (this.opts.appendonly) args.push('--appendfsync', this.opts.appendfsync ?? 'everysec');
    return { binary: this.binary, args, ready: /Ready to accept connections/ };
  }
}
