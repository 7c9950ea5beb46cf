// What a current nats-server does natively (issue 15): the server's partition() mapping is an
// FNV-1a hash of the token, not userId % 10 (server config since 2.8, so every version here runs
// it); and a pinned priority group (2.11+) gives one active worker per partition with failover.
import { describe, expect, it } from 'vitest';
import { privateNatsForFile } from '@mq/shared/testing';
import { orderEvents, partitionOf } from '../src/partitions';
import { pinnedFailover, PINNED_SINCE } from '../src/pinned-failover';
import { natsServerVersion, versionAtLeast } from '@mq/shared';
import { fnv1a32, mappedPartition, serverPartitions } from '../src/subject-mapping';

const fx = privateNatsForFile();

describe('06-partitioning on the server side', () => {
  it('partition(10, 1) in a subject mapping is FNV-1a(token text) % 10, not userId % 10', async () => {
    expect(fnv1a32(''), 'FNV-1a offset basis').toBe(0x811c9dc5);
    expect(fnv1a32('a'), 'FNV-1a of "a"').toBe(0xe40c292c);
    const users = Array.from({ length: 30 }, (_, i) => 100 + i);
    const server = await serverPartitions(users, 10);
    const disagree = users.filter((u) => server.get(u) !== mappedPartition(u, 10)).map((u) => `user ${u}: server ${server.get(u)}`);
    expect(disagree, 'users the server put elsewhere than FNV-1a % 10').toEqual([]);
    expect(users.map((u) => server.get(u)).slice(0, 4), 'server partitions of users 100..103').toEqual([2, 1, 0, 9]);
    expect(users.slice(0, 4).map((u) => partitionOf(u, 10)), 'userId % 10 of users 100..103').toEqual([0, 1, 2, 3]);
  });

  it(`a pinned priority group (${PINNED_SINCE}+) keeps one active worker per partition and fails over to the other`, async (ctx) => {
    const version = natsServerVersion(fx.nats.nc);
    if (!versionAtLeast(version, PINNED_SINCE)) {
      console.info(`skipped: priority groups need nats-server ${PINNED_SINCE}+, this one is ${version} (set NATS_SERVER_BIN)`);
      ctx.skip();
    }
    const events = orderEvents([3, 13, 23]);
    const timing = { workMs: 10, crashAfter: 4, ackWaitMs: 500, priorityTimeoutMs: 500 };
    const r = await pinnedFailover(fx.url, fx.nats, { partition: 3, events, ...timing });
    const byA = r.handled.filter((h) => h.worker === 'worker-A');
    const byB = r.handled.filter((h) => h.worker === 'worker-B');
    expect(byA.map((h) => `${h.event}:${h.outcome}`), 'worker A (pinned)').toEqual([
      'U3-O1:created:ack', 'U13-O1:created:ack', 'U23-O1:created:ack', 'U3-O1:paid:ack', 'U13-O1:paid:crashed',
    ]);
    expect(byB.filter((h) => h.atMs < r.diedAtMs).map((h) => h.event), 'events B got while A was alive').toEqual([]);
    expect(byB.map((h) => h.event), 'worker B after the failover').toEqual(['U13-O1:paid', 'U23-O1:paid', 'U3-O1:shipped', 'U13-O1:shipped', 'U23-O1:shipped']);
  });
});
