// docker-compose.yml and shared/src/config.ts must describe the same services on the same ports,
// or `docker compose up -d` would start servers the lessons never find.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULTS } from '../src/index';

const compose = parse(fs.readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'));

describe('docker-compose.yml', () => {
  it('publishes each service on its default port, on loopback only', () => {
    expect(compose.services.nats.ports).toEqual([`127.0.0.1:${DEFAULTS.nats.port}:4222`, `127.0.0.1:${DEFAULTS.nats.monitorPort}:8222`]);
    expect(compose.services.redis.ports).toEqual([`127.0.0.1:${DEFAULTS.redis.port}:6379`]);
    expect(compose.services.postgres.ports).toEqual([`127.0.0.1:${DEFAULTS.postgres.port}:5432`]);
  });

  it('runs NATS with JetStream, a store on a volume, monitoring and a healthcheck', () => {
    const nats = compose.services.nats;
    expect(nats.command).toContain('-js');
    expect(nats.command[nats.command.indexOf('-sd') + 1]).toBe('/data');
    expect(nats.command[nats.command.indexOf('-m') + 1]).toBe(String(DEFAULTS.nats.monitorPort));
    expect(nats.volumes).toEqual(['nats-data:/data']);
    expect(nats.healthcheck.test.join(' ')).toContain(`:${DEFAULTS.nats.monitorPort}/healthz`);
  });

  it('has a service for every compose name the error messages tell people to start', () => {
    for (const s of Object.values(DEFAULTS)) expect(Object.keys(compose.services)).toContain(s.composeService);
    for (const s of ['nats', 'redis', 'postgres']) expect(compose.services[s].healthcheck).toBeDefined();
  });

  it('lets Postgres in without a password, as the default URL assumes', () => {
    expect(compose.services.postgres.environment.POSTGRES_HOST_AUTH_METHOD).toBe('trust');
    expect(DEFAULTS.postgres.user).toBe('postgres');
  });
});
