// Two Postgres queues on one table shape. Both claim atomically with FOR UPDATE SKIP LOCKED and
// delete on ack; they differ in how a worker learns there is work:
//   pg-poll:   look again after a fixed interval whenever the queue was empty (the story's loop);
//   pg-notify: LISTEN, and the producer's INSERT fires NOTIFY in the same statement.
// rawPostgres is the same SQL with the bare pg client, for the ratio.
import type pg from 'pg';
import { Arrivals, publishAll, readSeq, type Driver, type RawRun } from '../driver';

export interface PgDriverOptions {
  mode: 'poll' | 'notify';
  /** Poll interval when the queue is empty (poll mode), or the safety re-check (notify mode). */
  intervalMs: number;
  batch?: number;
}

function sql(opts: PgDriverOptions, table: string) {
  const channel = `${table}_ch`;
  const batch = opts.batch ?? 50;
  return {
    channel,
    create: `DROP TABLE IF EXISTS ${table}; CREATE TABLE ${table} (id bigserial PRIMARY KEY, payload bytea NOT NULL)`,
    insert:
      opts.mode === 'notify'
        ? `WITH ins AS (INSERT INTO ${table}(payload) VALUES ($1) RETURNING id) SELECT pg_notify('${channel}', '') FROM ins`
        : `INSERT INTO ${table}(payload) VALUES ($1)`,
    claim: `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} ORDER BY id LIMIT ${batch} FOR UPDATE SKIP LOCKED) RETURNING id, payload`,
  };
}

/** Wait `ms`, or less if `wake` is called: the empty-queue pause of both modes. */
function pause(ms: number, setWake: (w: (() => void) | undefined) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      setWake(undefined);
      resolve();
    }
    setWake(done);
  });
}

export function postgresDriver(pool: pg.Pool, opts: PgDriverOptions): Driver {
  const table = `bench_${opts.mode}`;
  const q = sql(opts, table);
  const clients: pg.PoolClient[] = [];
  return {
    name: opts.mode === 'poll' ? 'pg-poll' : 'pg-notify',
    semantics:
      opts.mode === 'poll'
        ? `SKIP LOCKED claim, poll every ${opts.intervalMs} ms when empty; committed rows survive`
        : 'SKIP LOCKED claim, LISTEN/NOTIFY wake-up; committed rows survive',
    backend: 'postgres',
    async setup() {
      await pool.query(q.create);
    },
    async publish(data) {
      await pool.query(q.insert, [Buffer.from(data)]);
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
        await client.query(`LISTEN ${q.channel}`);
      }
      const loop = (async () => {
        while (running) {
          // Claim and process in one transaction: the DELETE is the ack, committed after the handler ran.
          await client.query('BEGIN');
          const { rows } = await client.query<{ id: string; payload: Buffer }>(q.claim);
          for (const row of rows) {
            const r = handler({ data: row.payload, ack: () => {} });
            if (r) await r;
          }
          await client.query('COMMIT');
          if (rows.length === 0 && running) await pause(opts.intervalMs, (w) => (wake = w));
        }
      })();
      return {
        stop: async () => {
          running = false;
          wake?.();
          await loop;
          // The client goes back to the pool: leave it as it came (no LISTEN, no listener).
          if (opts.mode === 'notify') await client.query(`UNLISTEN ${q.channel}`);
          client.removeAllListeners('notification');
        },
      };
    },
    async close() {
      clients.forEach((c) => c.release());
      clients.length = 0;
    },
  };
}

export function rawPostgres(pool: pg.Pool, opts: PgDriverOptions): RawRun {
  const table = `bench_raw_${opts.mode}`;
  const q = sql(opts, table);
  return {
    name: opts.mode === 'poll' ? 'pg-poll' : 'pg-notify',
    async run({ messages, size, workers, timeoutMs }) {
      await pool.query(q.create);
      const arrivals = new Arrivals(messages);
      const clients = await Promise.all(Array.from({ length: workers }, () => pool.connect()));
      let running = true;
      const wakes = new Set<() => void>();
      const loops = clients.map(async (client) => {
        let wake: (() => void) | undefined;
        if (opts.mode === 'notify') {
          client.on('notification', () => wake?.());
          await client.query(`LISTEN ${q.channel}`);
        }
        while (running) {
          await client.query('BEGIN');
          const { rows } = await client.query<{ payload: Buffer }>(q.claim);
          for (const row of rows) arrivals.record(readSeq(row.payload));
          await client.query('COMMIT');
          if (rows.length === 0 && running) {
            await pause(opts.intervalMs, (w) => {
              if (wake) wakes.delete(wake);
              wake = w;
              if (w) wakes.add(w);
            });
          }
        }
        if (opts.mode === 'notify') await client.query(`UNLISTEN ${q.channel}`);
        client.removeAllListeners('notification');
      });
      const t0 = performance.now();
      await publishAll((d) => pool.query(q.insert, [Buffer.from(d)]).then(() => {}), 0, messages, size);
      await arrivals.until(messages, timeoutMs);
      const ms = performance.now() - t0;
      running = false;
      wakes.forEach((w) => w());
      await Promise.all(loops);
      clients.forEach((c) => c.release());
      await pool.query(`DROP TABLE ${table}`);
      return { ms, received: arrivals.received, duplicates: arrivals.duplicates };
    },
  };
}
