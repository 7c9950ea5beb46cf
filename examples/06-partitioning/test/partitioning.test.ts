// Lesson 06 against a private nats-server: the story's stream misses partition subjects; a queue
// group scrambles one user's events; per-partition consumers with max_ack_pending 1 keep every
// user's order under random delays and naks while partitions run in parallel; and a hot user
// delays the users who share its partition.
import { describe, expect, it } from 'vitest';
import { deleteStreamIfExists, ensureStream } from '@mq/shared';
import { privateNatsForFile } from '@mq/shared/testing';
import { runExperiment as runScene } from '../src/experiment';
import { fixedPlan, randomPlan, type WorkPlan } from '../src/handler';
import { orderEvents } from '../src/partitions';
import { ORDERS_STREAM, PARTITION_STREAM, PARTITION_SUBJECTS, resetPartitionStream, scope, setupOrdersStream } from '../src/setup';
import { checkSubjects } from '../src/subjects-check';

const fx = privateNatsForFile();

const label = (e: string) => `U123-O1:${e}`;
const slowCreated = fixedPlan({ created: 400, paid: 100, shipped: 250 });

describe('06-partitioning', () => {
  it("the story's ORDERS stream (order.*) does not capture order.partition.3.created", async () => {
    const check = await checkSubjects(fx.nats, 123);
    expect(check.subject).toBe('l06.order.partition.3.created');
    // nats.js reports the missing stream as "jetstream is not enabled"; the cause is no responders.
    expect(check.seedStreamError.name).toBe('JetStreamNotEnabled');
    expect((check.seedStreamError as Error & { cause?: Error }).cause?.message).toMatch(/no responders: 'l06\.order\.partition\.3\.created'/);
    expect(check.captured.stream).toBe(PARTITION_STREAM);
    expect(PARTITION_STREAM).toBe('L06_ORDER_PARTITIONS');

    // The same ORDERS stream does capture the story's two-token subjects.
    await deleteStreamIfExists(fx.nats.jsm, PARTITION_STREAM);
    await setupOrdersStream(fx.nats.jsm);
    expect((await fx.nats.js.publish('l06.order.email', '{}')).stream).toBe(ORDERS_STREAM);
    await expect(fx.nats.js.publish('l06.order.partition.3.created', '{}')).rejects.toThrow(/jetstream is not enabled/);
    await deleteStreamIfExists(fx.nats.jsm, ORDERS_STREAM);
  });

  it("a stream on order.partition.> would collide with lesson 07's DLQ stream (order.*.dlq); order.partition.*.* does not", async () => {
    await deleteStreamIfExists(fx.nats.jsm, PARTITION_STREAM);
    await ensureStream(fx.nats.jsm, { name: 'DLQ', subjects: [scope.subject('order.*.dlq')] });
    try {
      // order.partition.dlq matches both patterns: the server refuses the second stream.
      const greedy = { name: 'GREEDY', subjects: [scope.subject('order.partition.>')] };
      await expect(fx.nats.jsm.streams.add(greedy)).rejects.toThrow(/subjects overlap with an existing stream/);
      await resetPartitionStream(fx.nats.jsm);
      expect((await fx.nats.jsm.streams.info(PARTITION_STREAM)).config.subjects).toEqual([PARTITION_SUBJECTS]);
    } finally {
      await deleteStreamIfExists(fx.nats.jsm, 'DLQ');
    }
  });

  it("a plain queue group (3 workers, one durable) processes user 123's events out of order", async () => {
    const { log } = await runScene(fx.nats, { mode: 'shared', workers: 3, partitions: 10, events: orderEvents([123]), plan: slowCreated });
    expect(new Set(log.attempts.map((a) => a.worker)).size).toBe(3); // each event went to a different worker
    expect(log.processedOrder(123)).toEqual([label('paid'), label('shipped'), label('created')]);
  });

  it('partition consumers with max_ack_pending 1 keep the order under the same delays', async () => {
    const { log, published } = await runScene(fx.nats, { mode: 'partitioned', partitions: 10, events: orderEvents([123]), plan: slowCreated });
    expect(log.processedOrder(123), 'user 123 processed, with max_ack_pending 1').toEqual([label('created'), label('paid'), label('shipped')]);
    expect(new Set(log.attempts.map((a) => a.worker)), 'workers that handled user 123').toEqual(new Set(['partition-3']));
    expect(log.overtakes(published), 'user 123 events started before their predecessor was done').toEqual([]); // paid did not even start before created was done
  });

  it('a nak reorders a partition unless max_ack_pending is 1', async () => {
    const createdFailsOnce: WorkPlan = { workMs: () => 10, fails: (e, d) => e.event === 'created' && d === 1 };
    const loose = await runScene(fx.nats, { mode: 'partitioned', partitions: 10, events: orderEvents([123]), plan: createdFailsOnce, maxAckPending: null, batch: 10 });
    expect(loose.log.attempts.map((a) => `${a.event}#${a.delivery}`), 'user 123 attempts, default max_ack_pending').toEqual(['created#1', 'paid#1', 'shipped#1', 'created#2']);
    expect(loose.log.processedOrder(123), 'user 123 processed, default max_ack_pending').toEqual([label('paid'), label('shipped'), label('created')]);

    const strict = await runScene(fx.nats, { mode: 'partitioned', partitions: 10, events: orderEvents([123]), plan: createdFailsOnce, batch: 10 });
    expect(strict.log.attempts.map((a) => `${a.event}#${a.delivery}`), 'user 123 attempts, max_ack_pending 1').toEqual(['created#1', 'created#2', 'paid#1', 'shipped#1']);
    expect(strict.log.processedOrder(123), 'user 123 processed, max_ack_pending 1').toEqual([label('created'), label('paid'), label('shipped')]);
  });

  // Two orders per user (6 events each), so a nak has a later event of the same user behind it.
  const loadUsers = Array.from({ length: 30 }, (_, i) => 100 + i);
  const loadPlan = randomPlan(42, { minMs: 5, maxMs: 40, failRate: 0.2 });
  const loadEvents = orderEvents(loadUsers, 2);
  // A retry waits 100 ms, longer than the 5-40 ms of work of the events behind it: room to overtake.
  const load = { mode: 'partitioned', partitions: 10, events: loadEvents, plan: loadPlan, nakDelayMs: 100 } as const;

  it("random work times and naks: every user's order holds, and the partitions run concurrently", async () => {
    const { log, published } = await runScene(fx.nats, load);
    const naks = log.attempts.filter((a) => a.outcome === 'nak');
    expect(naks.length, 'naks in the seeded plan').toBeGreaterThanOrEqual(20); // the seeded plan really exercises retries
    // (All 180 acked is not asserted here: runScene only returns once it is true and the stream is empty.)
    expect(log.outOfOrderUsers(published), 'users processed out of publish order').toEqual([]);
    expect(log.overtakes(published).map((a) => `${a.orderId}:${a.event}#${a.delivery}`), 'events started before their predecessor was done').toEqual([]);
    const strays = log.attempts.filter((a) => a.worker !== `partition-${a.userId % 10}`).map((a) => `user ${a.userId} on ${a.worker}`);
    expect(strays, 'events handled outside their partition').toEqual([]);
    // Parallel across partitions: several handlers at once, and far less wall time than work time.
    expect(log.maxConcurrent).toBeGreaterThanOrEqual(3);
    expect(log.busyMs / log.wallMs).toBeGreaterThan(2.5);
  });

  it('the same plan reorders users once a consumer may hold more than one message (max_ack_pending 4, or the default with batches)', async () => {
    // The control for the test above: the same events and plan are sensitive to max_ack_pending.
    const four = await runScene(fx.nats, { ...load, maxAckPending: 4 });
    expect(four.log.outOfOrderUsers(four.published).length, 'users out of order with max_ack_pending 4').toBeGreaterThanOrEqual(5);
    const loose = await runScene(fx.nats, { ...load, maxAckPending: null, batch: 10 });
    expect(loose.log.outOfOrderUsers(loose.published).length, 'users out of order with the default and batch 10').toBeGreaterThanOrEqual(5);
  });

  it('a hot user delays the users that share its partition, and only them', async () => {
    const others = Array.from({ length: 20 }, (_, i) => 10 + i); // 17 and 27 land in partition 7 with user 7
    const events = [...orderEvents([7], 13), ...orderEvents(others)];
    const { log } = await runScene(fx.nats, { mode: 'partitioned', partitions: 10, events, plan: fixedPlan({ created: 10, paid: 10, shipped: 10 }) });
    const perPartition = (p: number) => log.acked.filter((a) => a.worker === `partition-${p}`).length;
    expect(perPartition(7)).toBe(45);
    for (const p of [0, 1, 2, 3, 4, 5, 6, 8, 9]) expect(perPartition(p)).toBe(6);
    const elsewhere = Math.max(...others.filter((u) => u % 10 !== 7).map((u) => log.finishedAt(u)));
    // The neighbours' 3 events sit behind the hot user's 39: they finish after everyone else.
    expect(log.finishedAt(17)).toBeGreaterThan(elsewhere);
    expect(log.finishedAt(27)).toBeGreaterThan(elsewhere);
  });
});
