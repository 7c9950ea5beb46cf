// PostgreSQL for lessons and tests. A test gets its own fresh database on a reachable cluster
// (CREATE DATABASE takes ~13 ms), so test files run in parallel without sharing tables. Where no
// cluster answers, a private one is built from the local postgres binaries.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
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
    const template = initdbTemplate(bin, runAs);
    try {
      // cp -a keeps the owner (postgres, when we are root) and the 0700 the server insists on.
      const copy = spawnSync('cp', ['-a', template.data, path.join(dir, 'data')], { encoding: 'utf8' });
      if (copy.status !== 0) throw new Error(`copying the initdb template failed: ${copy.stderr}`);
    } finally {
      template.done();
    }
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

const INITDB_ARGS = ['-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'];

function initdb(bin: string, data: string, runAs?: { uid: number; gid: number }): void {
  const init = spawnSync(`${bin}/initdb`, ['-D', data, ...INITDB_ARGS], { encoding: 'utf8', ...(runAs ?? {}) });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
}

/**
 * One initdb'd data directory per PostgreSQL binary and user, kept in the temp folder: each private
 * cluster starts from a copy (~40 ms) instead of its own initdb (~0.9 s of CPU; the suite starts
 * four). It is never started itself, so every copy is as initdb left it. The temp folder is shared
 * with other users, so it is used only if it is ours: owned by this user, writable by no one else,
 * and stamped with this binary and these arguments. Otherwise this cluster copies a one-off initdb.
 */
function initdbTemplate(bin: string, runAs?: { uid: number; gid: number }): { data: string; done(): void } {
  const stamp = `initdb of ${fs.realpathSync(bin)} ${INITDB_ARGS.join(' ')}\n`;
  const key = createHash('sha256').update(stamp).digest('hex').slice(0, 12);
  const home = path.join(os.tmpdir(), `mq-pg-template-${key}-${process.getuid?.() ?? 0}`);
  const kept = { data: path.join(home, 'data'), done: () => {} };
  if (isOurTemplate(home, stamp)) return kept;
  const building = fs.mkdtempSync(`${home}.building-`);
  const oneOff = { data: path.join(building, 'data'), done: () => fs.rmSync(building, { recursive: true, force: true }) };
  try {
    fs.chmodSync(building, 0o777); // as root, initdb runs as the postgres user
    initdb(bin, oneOff.data, runAs);
    fs.writeFileSync(path.join(building, 'complete'), stamp);
    fs.chmodSync(building, 0o755);
  } catch (err) {
    oneOff.done();
    throw err;
  }
  try {
    fs.renameSync(building, home); // atomic; refused if `home` exists (a process that won the race, or a stranger)
  } catch {
    return isOurTemplate(home, stamp) ? (oneOff.done(), kept) : oneOff;
  }
  return kept;
}

function isOurTemplate(home: string, stamp: string): boolean {
  try {
    const st = fs.lstatSync(home);
    const uid = process.getuid?.();
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) return false;
    return fs.readFileSync(path.join(home, 'complete'), 'utf8') === stamp;
  } catch {
    return false;
  }
}

function userIds(name: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync('id', [flag, name], { encoding: 'utf8' }).stdout.trim());
  const ids = { uid: id('-u'), gid: id('-g') };
  if (!Number.isInteger(ids.uid) || !Number.isInteger(ids.gid)) throw new Error(`PostgreSQL will not run as root and there is no "${name}" user to run it as`);
  return ids;
}
