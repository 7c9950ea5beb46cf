// Disaster 1 (no persistence: a restart empties the queue) and the story's attempted cure, AOF
// with appendfsync everysec: it keeps queued tasks across a graceful restart, but it cannot
// bring back a task a crashed worker had already popped.
import { connectRedis } from '@mq/shared';
import { PrivateRedisServer } from '@mq/shared/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushTasks, queuedIds } from '../src/list-queue';
import { spawnCrashyWorker } from '../src/spawn-worker';
import { DoneLedger, makeTasks } from '../src/task';
import { aofState } from '../src/throughput';
import { cleanupAfterEach } from './cleanup';

const KEY = 'task:email';
// Clients and children are closed after each test even when an assertion fails first.
const cleanup = cleanupAfterEach();
const client = (url: string) => {
  const c = connectRedis(url);
  cleanup(() => c.disconnect());
  return c;
};

describe('without persistence', () => {
  let server: PrivateRedisServer;
  beforeAll(async () => {
    server = await PrivateRedisServer.start();
  });
  afterAll(async () => server?.dispose());

  it('500 queued tasks, a restart, 0 left', async () => {
    const before = client(server.url);
    expect(await pushTasks(before, KEY, makeTasks(500))).toBe(500);
    before.disconnect();
    expect((await aofState(server.url)).enabled).toBe(false);

    await server.restart();

    const after = client(server.url);
    expect(await after.llen(KEY)).toBe(0);
    expect(await after.dbsize()).toBe(0);
    after.disconnect();
  });
});

describe("with stock redis.conf's RDB save points (not the story's setup)", () => {
  let server: PrivateRedisServer;
  beforeAll(async () => {
    server = await PrivateRedisServer.start();
  });
  afterAll(async () => server?.dispose());

  const queue500 = async () => {
    const r = client(server.url);
    await r.config('SET', 'save', '3600 1 300 100 60 10000'); // Redis 7's default
    await r.flushall(); // with save points, this also writes an empty snapshot
    expect(await pushTasks(r, KEY, makeTasks(500))).toBe(500);
    r.disconnect();
  };
  const queuedAfterRestart = async () => {
    const r = client(server.url);
    const n = await r.llen(KEY);
    r.disconnect();
    return n;
  };

  it('a graceful shutdown writes a snapshot: all 500 survive', async () => {
    await queue500();
    await server.restart();
    expect(await queuedAfterRestart()).toBe(500);
  });

  it('a crash before the next snapshot (SIGKILL) loses all 500', async () => {
    await queue500();
    await server.kill();
    await server.restart();
    expect(await queuedAfterRestart()).toBe(0);
  });
});

describe('with AOF, appendfsync everysec', () => {
  let server: PrivateRedisServer;
  beforeAll(async () => {
    server = await PrivateRedisServer.start({ appendonly: true, appendfsync: 'everysec' });
  });
  afterAll(async () => server?.dispose());

  it('500 queued tasks survive a graceful restart, in order', async () => {
    const before = client(server.url);
    expect(await pushTasks(before, KEY, makeTasks(500))).toBe(500);
    const ids = await queuedIds(before, KEY);
    before.disconnect();
    expect(await aofState(server.url)).toMatchObject({ enabled: true, fsync: 'everysec' });

    await server.restart();

    const after = client(server.url);
    expect(await queuedIds(after, KEY)).toEqual(ids);
    after.disconnect();
  });

  it('but a worker crash after BRPOP still loses the task, restart or not', async () => {
    const key = 'task:email:crash';
    const before = client(server.url);
    await pushTasks(before, key, makeTasks(10));
    const child = await spawnCrashyWorker({ url: server.url, mode: 'list', key, ledger: 'aof-crash' });
    cleanup(() => child.kill());
    expect(await child.kill()).toBe('SIGKILL');
    expect(await before.llen(key)).toBe(9);
    before.disconnect();

    await server.restart(); // AOF replays every write, including the BRPOP that removed it
    const after = client(server.url);
    const left = await queuedIds(after, key);
    expect(left).toHaveLength(9);
    expect(left).not.toContain(child.taskId);
    expect(await new DoneLedger(after, 'aof-crash').size()).toBe(0);
    after.disconnect();
  });
});
