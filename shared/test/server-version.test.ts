// Every demo's "which server" line names the server's version, asked of the server itself, so
// output from the machine's nats-server 2.9.10 is never mistaken for a current release's.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveService } from '../src/services/resolve';
import { natsServerBinary, PrivateNatsServer, PrivateRedisServer, redisServerBinary } from '../src/services/index';

const versionOf = (bin: string, re: RegExp) => re.exec(spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout)?.[1];

describe('the resolved service description', () => {
  it('names the NATS server version the server reports', async () => {
    const s = await PrivateNatsServer.start();
    try {
      const expected = versionOf(natsServerBinary()!, /v(\d+\.\d+\.\d+)/);
      const r = await resolveService('nats', { env: { NATS_URL: s.url } });
      expect(r.description).toBe(`NATS (nats-server ${expected}): ${s.url} (from NATS_URL)`);
    } finally {
      await s.dispose();
    }
  });

  it('names the Redis server version the server reports', async () => {
    const s = await PrivateRedisServer.start();
    try {
      const expected = versionOf(redisServerBinary()!, /v=(\d+\.\d+\.\d+)/);
      const r = await resolveService('redis', { env: { REDIS_URL: s.url } });
      expect(r.description).toBe(`Redis (redis-server ${expected}): ${s.url} (from REDIS_URL)`);
    } finally {
      await s.dispose();
    }
  });
});

describe('a demo prints the version once', () => {
  it('no lesson appends the version again to the description that already names it', () => {
    const root = fileURLToPath(new URL('../../examples', import.meta.url));
    const doubled = readdirSync(root).flatMap((lesson) => {
      const main = join(root, lesson, 'src', 'main.ts');
      if (!existsSync(main)) return [];
      const src = readFileSync(main, 'utf8');
      return /description\}?, nats-server \$\{/.test(src) ? [`${lesson}/src/main.ts`] : [];
    });
    expect(doubled, 'demos printing "NATS (nats-server X): ..., nats-server X"').toEqual([]);
  });
});
