// The contrast: the same drill on a Redis list, with the redis-server the story ran (no RDB, no
// AOF). 1,000 tasks before the restart, 0 after it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateRedis, timings, type PrivateRedisServer } from '@mq/shared';
import { redisDrill } from '../src/redis-drill';

let redis: PrivateRedisServer;
beforeAll(async () => {
  redis = await privateRedis();
});
afterAll(() => redis?.dispose());

describe('restart drill on a Redis list without persistence', () => {
  it('loses all 1,000 tasks in a graceful restart', async () => {
    const r = await redisDrill(redis, { count: 1_000, mode: 'stop', outageMs: timings().get('brokerOutageMs') });
    expect(r.before).toBe(1_000);
    expect(r.after).toBe(0);
    expect(r.outage.readyAt - r.outage.downAt).toBeGreaterThanOrEqual(timings().get('brokerOutageMs'));
  });
});
