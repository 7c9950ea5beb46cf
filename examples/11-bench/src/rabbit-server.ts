// A private, throwaway RabbitMQ node the bench owns, so it can restart it for the restart check
// without touching the machine's shared RabbitMQ (which every lesson and helper may be using).
// It is the Debian rabbitmq-server script with every path, port and the node name of its own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findBinary, freePort, startProcess, stopProcess, type StartedProcess } from '@mq/shared/services';

export function rabbitServerScript(): string | undefined {
  return process.env.RABBITMQ_SERVER_BIN ?? findBinary('rabbitmq-server', ['/usr/lib/rabbitmq/bin', '/usr/sbin']);
}

export class PrivateRabbitServer {
  private proc?: StartedProcess;

  private constructor(
    readonly port: number,
    private readonly distPort: number,
    readonly dir: string,
    private readonly script: string,
  ) {}

  static async start(): Promise<PrivateRabbitServer> {
    const script = rabbitServerScript();
    if (!script) throw new Error('rabbitmq-server is not installed (apt-get install rabbitmq-server, or set RABBITMQ_SERVER_BIN)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mq-rabbit-'));
    fs.writeFileSync(path.join(dir, 'enabled_plugins'), '[].\n');
    fs.writeFileSync(path.join(dir, 'rabbitmq.conf'), '');
    fs.writeFileSync(path.join(dir, 'rabbitmq-env.conf'), '');
    fs.mkdirSync(path.join(dir, 'home'));
    const server = new PrivateRabbitServer(await freePort(), await freePort(), dir, script);
    try {
      await server.launch();
      return server;
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  get version(): string {
    return /RabbitMQ (\d+\.\d+\.\d+)/.exec(this.proc?.log() ?? '')?.[1] ?? 'unknown';
  }

  private async launch(): Promise<void> {
    const d = this.dir;
    const env = {
      ...process.env,
      HOME: path.join(d, 'home'), // its own Erlang cookie
      RABBITMQ_NODENAME: `mqbench${this.port}@localhost`,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(this.port),
      RABBITMQ_DIST_PORT: String(this.distPort),
      RABBITMQ_MNESIA_BASE: path.join(d, 'mnesia'),
      RABBITMQ_LOG_BASE: path.join(d, 'log'),
      RABBITMQ_LOGS: '-',
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(d, 'enabled_plugins'),
      RABBITMQ_CONFIG_FILE: path.join(d, 'rabbitmq'),
      RABBITMQ_ADVANCED_CONFIG_FILE: path.join(d, 'advanced.config'),
      RABBITMQ_CONF_ENV_FILE: path.join(d, 'rabbitmq-env.conf'),
      RABBITMQ_PID_FILE: path.join(d, 'pid'),
    };
    this.proc = await startProcess(this.script, [], /Server startup complete/, 30_000, { env });
  }

  /** The Erlang VM's pid: the script that started it does not pass signals on. */
  private beamPid(): number | undefined {
    const pid = Number(fs.readFileSync(path.join(this.dir, 'pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  /** Signal the VM and wait for the script to exit, which it does once the VM has. */
  private async signal(sig: NodeJS.Signals): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
    const pid = this.beamPid();
    try {
      if (pid) process.kill(pid, sig);
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      if (pid) process.kill(pid, 'SIGKILL');
      void stopProcess(proc, 'SIGKILL');
    }, 15_000);
    await proc.exited;
    clearTimeout(timer);
  }

  /** Graceful: SIGTERM makes RabbitMQ stop its apps and flush its message stores. */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }

  async dispose(): Promise<void> {
    await this.signal('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
