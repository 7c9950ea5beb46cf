// The contrast: the same drill on a Redis list, with the redis-server the story ran (no RDB, no
// AOF). 1,000 tasks before the restart, 0 after it, whether the server was stopped or SIGKILLed.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { privateRedis } from '@mq/shared/testing';
import { timings } from '@mq/shared';
import { type PrivateRedisServer } from '@mq/shared/services';
import type { OutageMode } from '../src/outage';
import { redisDrill } from '../src/redis-drill';

const servers: Partial<Record<OutageMode, PrivateRedisServer>> = {};
beforeAll(async () => {
  // One private redis-server per scene: both scenes run at the same time and each takes its own down.
  [servers.stop, servers.kill] = await Promise.all([privateRedis(), privateRedis()]);
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s?.dispose()));
});

describe.concurrent('restart drill on a Redis list without persistence', () => {
  for (const mode of ['stop', 'kill'] as const) {
    it(`loses all 1,000 tasks in a ${mode === 'stop' ? 'graceful restart' : 'SIGKILL and restart'}`, async ({ expect }) => {
      const r = await redisDrill(servers[mode]!, { count: 1_000, mode, outageMs: timings().get('brokerOutageMs') });
      expect(r.before).toBe(1_000);
      // It really was down: process gone and its port refusing connections just before the restart.
      expect(r.outage.probe).toEqual({ running: false, accepting: false });
      expect(r.after).toBe(0);
    });
  }
});
