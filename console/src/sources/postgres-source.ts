// What the console shows of the Postgres queues (lessons 01 and 12): for every task_queue table in
// the databases the lessons made (l01_..., l12_...), how many tasks are in each state and how old
// the oldest pending one is: depth says how much work waits, age says how long the oldest waited.
import pg from 'pg';
import { SCOPED_DATABASE } from '@mq/shared';

export interface TaskTableView {
  database: string;
  table: string;
  states: Record<string, number>;
  oldestPendingAgeMs: number | null;
}

export class PostgresSource {
  private readonly admin: pg.Pool;
  private readonly pools = new Map<string, pg.Pool>();

  constructor(private readonly url: string) {
    this.admin = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 1_000 });
    this.admin.on('error', () => {});
  }

  async read(): Promise<TaskTableView[]> {
    const dbs = await this.admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY datname');
    const base = new URL(this.url).pathname.slice(1) || 'postgres';
    const names = dbs.rows.map((r) => r.datname).filter((d) => d === base || SCOPED_DATABASE.test(d));
    // A lesson drops its database at the end (WITH FORCE): forget the pools of databases that are gone.
    for (const [db, pool] of this.pools) {
      if (!names.includes(db)) {
        this.pools.delete(db);
        void pool.end().catch(() => {});
      }
    }
    const out: TaskTableView[] = [];
    for (const db of names) out.push(...(await this.readDatabase(db).catch(() => [])));
    return out;
  }

  private pool(db: string): pg.Pool {
    let p = this.pools.get(db);
    if (!p) {
      const u = new URL(this.url);
      u.pathname = `/${db}`;
      p = new pg.Pool({ connectionString: u.toString(), max: 1, connectionTimeoutMillis: 1_000, idleTimeoutMillis: 5_000 });
      p.on('error', () => {});
      this.pools.set(db, p);
    }
    return p;
  }

  private async readDatabase(db: string): Promise<TaskTableView[]> {
    const pool = this.pool(db);
    const tables = await pool.query<{ schema: string }>(
      `SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'task_queue' ORDER BY table_schema`,
    );
    const out: TaskTableView[] = [];
    for (const { schema } of tables.rows) {
      const t = `${pg.escapeIdentifier(schema)}.task_queue`;
      const states = await pool.query<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM ${t} GROUP BY status`);
      const oldest = await pool.query<{ age: number | null }>(
        `SELECT (extract(epoch FROM now() - min(created_at)) * 1000)::float8 AS age FROM ${t} WHERE status = 'pending'`,
      );
      out.push({
        database: db,
        table: `${schema}.task_queue`,
        states: Object.fromEntries(states.rows.map((r) => [r.status, Number(r.n)])),
        oldestPendingAgeMs: oldest.rows[0]?.age ?? null,
      });
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.admin.end(), ...[...this.pools.values()].map((p) => p.end())]);
  }
}
