// The private server handles that tests own: stop, SIGKILL and restart on the same store.
import { afterAll, describe, expect, it } from 'vitest';
import { connectNats, connectRedis, ensureStream, ordersStreamConfig, pgPool, publishJson } from '../src/index';
import { createPrivateDatabase, PrivateNatsServer, PrivateRedisServer } from '../src/services/index';
import { resolveService } from '../src/services/resolve';

describe('private nats-server', () => {
  let server: PrivateNatsServer;
  afterAll(() => server?.dispose());

  it('keeps JetStream data across a graceful stop and a SIGKILL, on the same port and store', async () => {
    server = await PrivateNatsServer.start();
    let nats = await connectNats(server.url);
    await ensureStream(nats.jsm, ordersStreamConfig());
    for (let i = 0; i < 25; i++) await publishJson(nats.js, 'order.email', { i });
    await nats.close();

    await server.stop();
    expect(server.running).toBe(false);
    await server.restart();
    nats = await connectNats(server.url);
    expect((await nats.jsm.streams.info('ORDERS')).state.messages).toBe(25);
    await nats.close();

    await server.kill();
    expect(server.running).toBe(false);
    await server.restart();
    nats = await connectNats(server.url);
    const info = await nats.jsm.streams.info('ORDERS');
    expect(info.state.messages).toBe(25);
    expect(info.state.last_seq).toBe(25);
    await nats.close();
  });
});

describe('private redis-server', () => {
  it('starts empty after a restart without persistence', async () => {
    const server = await PrivateRedisServer.start();
    try {
      const redis = connectRedis(server.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
      await redis.rpush('k', 'a', 'b');
      expect(await redis.llen('k')).toBe(2);
      redis.disconnect();
      await server.restart();
      const again = connectRedis(server.url);
      expect(await again.llen('k')).toBe(0);
      again.disconnect();
    } finally {
      await server.dispose();
    }
  });
});

describe('private postgres database', () => {
  it('creates a fresh database on the reachable cluster and drops it', async () => {
    const cluster = await resolveService('postgres');
    try {
      const db = await createPrivateDatabase(cluster.url);
      const pool = pgPool(db.url);
      try {
        const { rows } = await pool.query('SELECT current_database() AS name');
        expect(rows[0].name).toBe(db.name);
      } finally {
        await pool.end();
        await db.dispose();
      }
      const admin = pgPool(cluster.url);
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name]);
      await admin.end();
      expect(exists.rowCount).toBe(0);
    } finally {
      await cluster.close();
    }
  });
});


describe('private postgres cluster', () => {
  it('runs as a non-root user, and committed rows survive a restart', async () => {
    const { PrivatePostgresCluster } = await import('../src/services/index');
    const cluster = await PrivatePostgresCluster.start();
    try {
      let pool = pgPool(cluster.url);
      await pool.query('CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 100)');
      await pool.end();
      await cluster.restart();
      pool = pgPool(cluster.url);
      const { rows } = await pool.query('SELECT count(*)::int AS n, current_user AS who FROM t');
      expect(rows[0]).toEqual({ n: 100, who: 'postgres' });
      await pool.end();
    } finally {
      await cluster.dispose();
    }
  });
});

describe('private servers and a port someone else just took', () => {
  it('start on a fresh port when the one they were offered is taken', async () => {
    const { withFreshPorts, freePort } = await import('../src/services/index');
    const { isPortInUse } = await import('../src/services/process');
    const net = await import('node:net');
    // Hold a port, then make the first attempt use it: the retry must move on.
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const taken = (blocker.address() as import('node:net').AddressInfo).port;
    let attempts = 0;
    try {
      const server = await withFreshPorts(async () => {
        attempts += 1;
        return PrivateNatsServer.start({ port: attempts === 1 ? taken : await freePort() });
      });
      expect(attempts).toBe(2);
      expect(server.port).not.toBe(taken);
      await server.dispose();
      const err = await PrivateNatsServer.start({ port: taken }).catch((e) => e);
      expect(isPortInUse(err)).toBe(true);
    } finally {
      blocker.close();
    }
  });
});
