// Service resolution: env URL, then the default local port, then a private server from a local
// binary, then a container, else one clear sentence naming what was tried and the fix.
import { describe, expect, it } from 'vitest';
import { connectNats, ServiceUnavailableError } from '../src/index';
import { containerRuntimeAvailable, PrivateNatsServer, tcpReachable } from '../src/services/index';
import { resolveService } from '../src/services/resolve';

const DEAD = 'nats://127.0.0.1:1';
const pgOnDefaultPort = await tcpReachable('127.0.0.1', 5432);

describe('resolveService', () => {
  it('uses the env URL when it answers', async () => {
    const s = await PrivateNatsServer.start();
    try {
      const r = await resolveService('nats', { env: { NATS_URL: s.url } });
      expect(r).toMatchObject({ source: 'env', url: s.url });
      expect(r.description).toContain('from NATS_URL');
    } finally {
      await s.dispose();
    }
  });

  it('refuses an env URL that does not answer, naming it and the fix', async () => {
    await expect(resolveService('nats', { env: { NATS_URL: DEAD } })).rejects.toThrow(
      'NATS is not reachable at nats://127.0.0.1:1 (from NATS_URL): start it with `docker compose up -d nats`',
    );
  });

  it('uses the default local port when something answers there', async () => {
    const s = await PrivateNatsServer.start();
    try {
      const r = await resolveService('nats', { env: {}, defaultUrl: s.url });
      expect(r).toMatchObject({ source: 'local', url: s.url });
    } finally {
      await s.dispose();
    }
  });

  it('starts a private server from the local binary when nothing answers, and close() stops it', async () => {
    const r = await resolveService('nats', { env: {}, defaultUrl: DEAD });
    try {
      expect(r.source).toBe('private');
      expect(r.description).toContain('private nats-server');
      const n = await connectNats(r.url, { maxReconnectAttempts: 0 });
      expect(n.nc.info?.jetstream).toBe(true);
      await n.close();
    } finally {
      await r.close();
    }
    const { port } = new URL(r.url);
    expect(await tcpReachable('127.0.0.1', Number(port))).toBe(false);
  });

  it('gives one clear sentence when there is no server, no binary and no container runtime', async () => {
    const runtime = await containerRuntimeAvailable();
    const prevBin = process.env.REDIS_SERVER_BIN;
    process.env.REDIS_SERVER_BIN = ''; // as if redis-server were not installed
    try {
      const err = await resolveService('redis', { env: {}, defaultUrl: 'redis://127.0.0.1:1', containers: !runtime }).catch((e) => e);
      expect(err).toBeInstanceOf(ServiceUnavailableError);
      const tried = runtime ? 'and no local binary to start a private one' : 'no local binary to start a private one, and no container runtime';
      expect(err.message).toBe(
        `No Redis server answers at redis://127.0.0.1:1 (set REDIS_URL to use another), ${tried}: start it with \`docker compose up -d redis\` (or install the Debian package) and try again.`,
      );
      expect(err.message.split('\n')).toHaveLength(1);
    } finally {
      if (prevBin === undefined) delete process.env.REDIS_SERVER_BIN;
      else process.env.REDIS_SERVER_BIN = prevBin;
    }
  });

  it('answers whether a container runtime exists quickly, and agrees with the machine', async () => {
    const t0 = performance.now();
    const available = await containerRuntimeAvailable();
    expect(performance.now() - t0).toBeLessThan(5_000);
    // Docker's socket is the usual runtime; without it (as on our CI machines) the answer must be no.
    const fs = await import('node:fs');
    if (!fs.existsSync('/var/run/docker.sock') && !process.env.DOCKER_HOST) expect(available).toBe(false);
  });
});

describe('resolveService error sentence', () => {
  it('names only the fallbacks it actually tried', async () => {
    const err = await resolveService('nats', { env: {}, defaultUrl: DEAD, privateBinary: false, containers: false }).catch((e) => e);
    expect(err.message).toBe(
      'No NATS server answers at nats://127.0.0.1:1 (set NATS_URL to use another): start it with `docker compose up -d nats` (or install the Debian package) and try again.',
    );
  });
});

describe('resolveService with a server that answers but cannot serve the lessons', () => {
  it('skips a local nats-server without JetStream and says why', async () => {
    const { freePort, startProcess, stopProcess, natsServerBinary } = await import('../src/services/index');
    const port = await freePort();
    const plain = await startProcess(natsServerBinary()!, ['-a', '127.0.0.1', '-p', String(port)], /Server is ready/);
    try {
      const url = `nats://127.0.0.1:${port}`;
      const r = await resolveService('nats', { env: {}, defaultUrl: url });
      try {
        expect(r.source).toBe('private');
        expect(r.url).not.toBe(url);
        expect(r.description).toContain(`${url}: JetStream is not enabled there`);
      } finally {
        await r.close();
      }
      await expect(resolveService('nats', { env: { NATS_URL: url } })).rejects.toThrow(
        `NATS at ${url} (from NATS_URL) answers, but JetStream is not enabled there (run nats-server with -js)`,
      );
    } finally {
      await stopProcess(plain);
    }
  });

  it.skipIf(!pgOnDefaultPort)('skips a PostgreSQL that refuses the login and builds a private cluster instead', async () => {
    const url = 'postgres://no_such_role@127.0.0.1:5432/postgres';
    const r = await resolveService('postgres', { env: {}, defaultUrl: url });
    try {
      expect(r.source).toBe('private');
      expect(r.description).toMatch(/logging in failed \(role "no_such_role" does not exist\)/);
    } finally {
      await r.close();
    }
  });
});
