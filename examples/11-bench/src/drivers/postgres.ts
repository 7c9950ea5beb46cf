// Two Postgres queues on one table shape. Both claim atomically with FOR UPDATE SKIP LOCKED and
// delete on ack; they differ in how a worker learns there is work:
//   pg-poll:   look again after a fixed interval whenever the queue was empty (the story's loop);
//   pg-notify: LISTEN, and the producer's INSERT fires NOTIFY in the same statement.
import type pg from 'pg';
import type { Driver } from '../driver';

export interface PgDriverOptions {
  mode: 'poll' | 'notify';
  /** Poll interval when the queue is empty (poll mode), or the safety re-check (notify mode). */
  intervalMs: number;
  batch?: number;
}

export function postgresDriver(pool: pg.Pool, opts: PgDriverOptions): Driver {
  const table = `bench_${opts.mode}`;
  const channel = `${table}_ch`;
  const batch = opts.batch ?? 50;
  const insert =
    opts.mode === 'notify'
      ? `WITH ins AS (INSERT INTO ${table}(payload) VALUES ($1) RETURNING id) SELECT pg_notify('${channel}', '') FROM ins`
      : `INSERT INTO ${table}(payload) VALUES ($1)`;
  const claim = `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} ORDER BY id LIMIT ${batch} FOR UPDATE SKIP LOCKED) RETURNING id, payload`;
  const clients: pg.PoolClient[] = [];
  return {
    name: opts.mode === 'poll' ? 'pg-poll' : 'pg-notify',
    semantics:
      opts.mode === 'poll'
        ? `SKIP LOCKED claim, poll every ${opts.intervalMs} ms when empty; committed rows survive`
        : 'SKIP LOCKED claim, LISTEN/NOTIFY wake-up; committed rows survive',
    backend: 'postgres',
    async setup() {
      await pool.query(`DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (id bigserial PRIMARY KEY, payload bytea NOT NULL)`);
    },
    async publish(data) {
      await pool.query(insert, [Buffer.from(data)]);
    },
    async flush() {},
    depth: async () => Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n),
    async subscribe(_group, handler) {
      const client = await pool.connect();
      clients.push(client);
      let running = true;
      let wake: (() => void) | undefined;
      if (opts.mode === 'notify') {
        client.on('notification', () => wake?.());
        await client.query(`LISTEN ${channel}`);
      }
      const loop = (async () => {
        while (running) {
          // Claim and process in one transaction: the DELETE is the ack, committed after the handler ran.
          await client.query('BEGIN');
          const { rows } = await client.query<{ id: string; payload: Buffer }>(claim);
          for (const row of rows) await handler({ data: row.payload, ack: async () => {} });
          await client.query('COMMIT');
          if (rows.length === 0 && running) {
            await new Promise<void>((resolve) => {
              const t = setTimeout(resolve, opts.intervalMs);
              wake = () => {
                clearTimeout(t);
                resolve();
              };
            });
            wake = undefined;
          }
        }
      })();
      return {
        stop: async () => {
          running = false;
          wake?.();
          await loop;
        },
      };
    },
    async close() {
      clients.forEach((c) => c.release());
      clients.length = 0;
    },
  };
}
