// PostgreSQL for lessons and tests. A test gets its own fresh database on a reachable cluster
// (CREATE DATABASE takes ~13 ms), so test files run in parallel without sharing tables. Where no
// cluster answers, a private one is built from the local postgres binaries.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ManagedProcess } from './managed-process';
import { freePort, withFreshPorts } from './process';

export interface PrivateDatabase {
  readonly url: string;
  readonly name: string;
  dispose(): Promise<void>;
}

/** Create `mq_<random>` on the cluster at `clusterUrl`; dispose() drops it (FORCE). */
export async function createPrivateDatabase(clusterUrl: string, prefix = 'mq'): Promise<PrivateDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
  const admin = new pg.Client({ connectionString: clusterUrl, connectionTimeoutMillis: 3_000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async dispose() {
      const c = new pg.Client({ connectionString: clusterUrl, connectionTimeoutMillis: 3_000 });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Directory of the newest installed PostgreSQL server binaries (Debian layout), if any. */
export function postgresBinDir(): string | undefined {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(`${root}/${v}/bin/postgres`)).sort((a, b) => Number(b) - Number(a));
  return versions.length ? `${root}/${versions[0]}/bin` : undefined;
}

/**
 * A private PostgreSQL cluster (a copy of an initdb'd template + postgres) on a free port with trust auth.
 * PostgreSQL refuses to run as root, so as root we run it as the `postgres` user.
 */
export class PrivatePostgresCluster extends ManagedProcess {
  private constructor(
    port: number,
    readonly dir: string,
    private readonly bin: string,
    private readonly runAs?: { uid: number; gid: number },
  ) {
    super(port, dir);
    this.gracefulSignal = 'SIGINT'; // "fast" shutdown: committed data survives
  }

  static async start(): Promise<PrivatePostgresCluster> {
    const bin = postgresBinDir();
    if (!bin) throw new Error('PostgreSQL server binaries are not installed (apt-get install postgresql)');
    const runAs = process.getuid?.() === 0 ? userIds('postgres') : undefined;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mq-pg-'));
    fs.chmodSync(dir, 0o777);
    // cp -a keeps the owner (postgres, when we are root) and the 0700 the server insists on.
    const copy = spawnSync('cp', ['-a', templateDataDir(bin, runAs), path.join(dir, 'data')], { encoding: 'utf8' });
    if (copy.status !== 0) throw new Error(`copying the initdb template failed: ${copy.stderr}`);
    return withFreshPorts(async () => {
      const cluster = new PrivatePostgresCluster(await freePort(), dir, bin, runAs);
      await cluster.launch();
      return cluster;
    });
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** A fast shutdown first: SIGKILLing the postmaster would leave its backends to notice on their own. */
  override async dispose(): Promise<void> {
    await this.stop();
    await super.dispose();
  }

  protected command() {
    const args = ['-D', path.join(this.dir, 'data'), '-p', String(this.port), '-k', this.dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'];
    // spawn's uid/gid (not runuser) so our signals reach postgres itself.
    return { binary: `${this.bin}/postgres`, args, ready: /ready to accept connections/, timeoutMs: 20_000, spawn: this.runAs ?? {} };
  }
}

/**
 * A freshly initdb'd data directory for this PostgreSQL and user, made once and kept in the temp
 * folder: each private cluster starts from a copy (~40 ms) instead of its own initdb (~0.9 s of CPU,
 * and the suite starts four). It is never started itself, so every copy is as initdb left it.
 */
function templateDataDir(bin: string, runAs?: { uid: number; gid: number }): string {
  const version = path.basename(path.dirname(bin)); // /usr/lib/postgresql/<version>/bin
  const home = path.join(os.tmpdir(), `mq-pg-template-${version}-${runAs?.uid ?? process.getuid?.() ?? 0}`);
  const data = path.join(home, 'data');
  if (fs.existsSync(path.join(home, 'complete'))) return data;
  const building = fs.mkdtempSync(`${home}.building-`);
  fs.chmodSync(building, 0o777);
  const init = spawnSync(`${bin}/initdb`, ['-D', path.join(building, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
    encoding: 'utf8',
    ...(runAs ?? {}),
  });
  if (init.status !== 0) {
    fs.rmSync(building, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  fs.writeFileSync(path.join(building, 'complete'), `initdb of ${bin}\n`);
  try {
    fs.renameSync(building, home); // atomic: of two processes building it at once, one keeps its copy
  } catch {
    if (!fs.existsSync(path.join(home, 'complete'))) {
      fs.rmSync(home, { recursive: true, force: true }); // a template something half removed
      fs.renameSync(building, home);
    }
    fs.rmSync(building, { recursive: true, force: true });
  }
  return data;
}

function userIds(name: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync('id', [flag, name], { encoding: 'utf8' }).stdout.trim());
  const ids = { uid: id('-u'), gid: id('-g') };
  if (!Number.isInteger(ids.uid) || !Number.isInteger(ids.gid)) throw new Error(`PostgreSQL will not run as root and there is no "${name}" user to run it as`);
  return ids;
}
