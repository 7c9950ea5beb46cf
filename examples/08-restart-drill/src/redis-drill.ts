// The same drill on the previous chapter's queue: 1,000 tasks in a Redis list on a redis-server
// without persistence (how the story ran it), a restart, and a look at what is left.
import { connectRedis, emailTask, makeOrder, waitFor } from '@mq/shared';
import { type PrivateServer } from '@mq/shared/services';
import { outage, type OutageMode, type OutageTimes } from './outage';

export const REDIS_QUEUE = 'task:email';

export interface RedisDrillResult {
  before: number;
  after: number;
  outage: OutageTimes;
}

export interface RedisDrillOptions {
  count: number;
  mode: OutageMode;
  outageMs: number;
}

export async function redisDrill(server: PrivateServer, opts: RedisDrillOptions): Promise<RedisDrillResult> {
  // Reconnect quickly and forever, like the NATS client: the drill is about the data, not the client.
  const redis = connectRedis(server.url, { retryStrategy: () => 100, maxRetriesPerRequest: null });
  try {
    const tasks = Array.from({ length: opts.count }, (_, i) => JSON.stringify(emailTask(makeOrder(i + 1))));
    await redis.del(REDIS_QUEUE);
    await redis.lpush(REDIS_QUEUE, ...tasks);
    const before = await redis.llen(REDIS_QUEUE);
    const times = await outage(server, opts.mode, opts.outageMs);
    const after = await waitFor(async () => ({ n: await redis.llen(REDIS_QUEUE) }), { timeoutMs: 10_000, what: 'Redis to answer again' });
    return { before, after: after.n, outage: times };
  } finally {
    redis.disconnect();
  }
}
