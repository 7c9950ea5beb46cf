// Each test file gets a fresh database of its own on the Postgres the resolver finds, with the
// chapter's schema, plus a small pool; dropped after the file. One copy instead of one per file.
import { afterAll, beforeAll } from 'vitest';
import { pgPool, type ResolvedService } from '@mq/shared';
import { privateDatabase } from '@mq/shared/testing';
import type pg from 'pg';
import { createSchema } from '../src/setup';

export interface QueueDb {
  db: ResolvedService;
  pool: pg.Pool;
}

/** Register beforeAll/afterAll for a private database with the schema; read the fields inside tests. */
export function useQueueDatabase(prefix: string): QueueDb {
  const fx = {} as QueueDb;
  beforeAll(async () => {
    fx.db = await privateDatabase(prefix);
    fx.pool = pgPool(fx.db.url, { max: 4 });
    await createSchema(fx.pool);
  });
  afterAll(async () => {
    await fx.pool?.end();
    await fx.db?.close();
  });
  return fx;
}
