// The check of 06-per-user-order: on a private nats-server, 23 users' orders (2 each, created ->
// paid -> shipped) are published interleaved into 10 partitions chosen by the learner's
// partitionFor; one worker per partition runs on the learner's consumer config, with random work
// times (2-15 ms) and about a fifth of first deliveries nak'd with a 60 ms delay. Every user's
// events must be processed once each, in the order they were published.
import { connectNats, ensureStream, hashUnit, PullWorker, waitFor, type Nats } from '@mq/shared';
import { PrivateNatsServer } from '@mq/shared/services';
import { defineExercise, describeThrown, importUnderTest, type CheckContext, type Verdict } from '@mq/shared/workshop';
import { AckPolicy, RetentionPolicy, type ConsumerConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

interface UserEvent {
  userId: number;
  orderNo: number;
  kind: 'created' | 'paid' | 'shipped';
}
interface Solution {
  partitionFor(event: UserEvent, partitions: number): number;
  partitionConsumer(p: number, filterSubject: string): Partial<ConsumerConfig>;
}
/** An event as published: the user's own event number (1..6) travels with it. */
type Published = UserEvent & { n: number };

const PARTITIONS = 10;
// 23 users: order numbers of one user then differ by 23, so orderNo % 10 moves them between lanes.
const USERS = Array.from({ length: 23 }, (_, i) => 100 + i);
const KINDS = ['created', 'paid', 'shipped'] as const;
const STREAM = 'X06_EVENTS';
const subjectOf = (p: number) => `x06.events.${p}`;

/** Users interleaved the way a busy shop publishes: everyone's order 1, then everyone's order 2. */
function events(): Published[] {
  const out: Published[] = [];
  let orderNo = 1000;
  const next = new Map<number, number>();
  for (let o = 0; o < 2; o++) {
    const orderOf = new Map(USERS.map((u) => [u, ++orderNo]));
    for (const kind of KINDS) {
      for (const userId of USERS) {
        const n = (next.get(userId) ?? 0) + 1;
        next.set(userId, n);
        out.push({ userId, orderNo: orderOf.get(userId)!, kind, n });
      }
    }
  }
  return out;
}

const label = (e: Published) => `event ${e.n} (order ${e.orderNo} ${e.kind})`;

async function check(ctx: CheckContext): Promise<Verdict> {
  const loaded = await importUnderTest<Solution>(ctx.modulePath, ['partitionFor', 'partitionConsumer']);
  if (!loaded.ok) return loaded;
  const mod = loaded.module;
  const all = events();
  const routed: { e: Published; p: number }[] = [];
  const configs: Partial<ConsumerConfig>[] = [];
  try {
    for (const e of all) routed.push({ e, p: mod.partitionFor({ userId: e.userId, orderNo: e.orderNo, kind: e.kind }, PARTITIONS) });
    for (let p = 0; p < PARTITIONS; p++) configs.push(mod.partitionConsumer(p, subjectOf(p)));
  } catch (err) {
    return { ok: false, problems: [describeThrown(err)] };
  }
  const bad = routed.find((r) => !Number.isInteger(r.p) || r.p < 0 || r.p >= PARTITIONS);
  if (bad) return { ok: false, problems: [`partitionFor gave ${bad.p} for user ${bad.e.userId}: a partition is an integer from 0 to ${PARTITIONS - 1}`] };

  ctx.log(`starting a private nats-server; publishing ${all.length} events of ${USERS.length} users into ${PARTITIONS} partitions`);
  const server = await PrivateNatsServer.start();
  let nats: Nats | undefined;
  const workers: PullWorker[] = [];
  try {
    nats = await connectNats(server.url, { name: '06-per-user-order check' });
    // Limits retention: a config without a filter may overlap the others and still be created.
    await ensureStream(nats.jsm, { name: STREAM, subjects: ['x06.events.*'], retention: RetentionPolicy.Limits });
    for (const { e, p } of routed) await nats.js.publish(subjectOf(p), JSON.stringify(e));

    const processed: { e: Published; worker: number }[] = [];
    for (let p = 0; p < PARTITIONS; p++) {
      const durable = `partition-${p}`;
      try {
        const fixed = { durable_name: durable, ack_policy: AckPolicy.Explicit, ack_wait: nanos(5_000) };
        await nats.jsm.consumers.add(STREAM, { ...configs[p], ...fixed });
      } catch (err) {
        return { ok: false, problems: [`the server refused partition ${p}'s consumer config: ${describeThrown(err)}`] };
      }
      workers.push(
        new PullWorker({
          js: nats.js,
          stream: STREAM,
          consumer: durable,
          batch: 10,
          backoff: { initialMs: 20, maxMs: 200 },
          handler: async (msg) => {
            const e = msg.json<Published>();
            const d = msg.info.deliveryCount;
            await new Promise((r) => setTimeout(r, 2 + Math.floor(hashUnit(`work:${e.userId}:${e.n}:${d}`) * 14)));
            if (d === 1 && hashUnit(`fail:${e.userId}:${e.n}`) < 0.2) return { nak: true, delayMs: 60 };
            processed.push({ e, worker: p });
          },
        }).start(),
      );
    }
    ctx.log('workers running: random work times, about 20% of first deliveries nak\'d for a retry in 60 ms');
    try {
      await waitFor(() => processed.length >= all.length, { timeoutMs: 10_000, what: 'every event processed' });
    } catch {
      // Judged below: what was processed, and what never was.
    }
    await Promise.all(workers.map((w) => w.stop()));
    await new Promise((r) => setTimeout(r, 100)); // a stray duplicate still in flight lands now
    return judge(all, processed);
  } catch (err) {
    return { ok: false, problems: [`the check could not run: ${describeThrown(err)}`] };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await nats?.close();
    await server.dispose();
  }
}

function judge(all: Published[], processed: { e: Published; worker: number }[]): Verdict {
  const problems: string[] = [];
  for (const userId of USERS) {
    const mine = processed.filter((x) => x.e.userId === userId).map((x) => x.e);
    const seen = new Map<number, number>();
    for (const e of mine) seen.set(e.n, (seen.get(e.n) ?? 0) + 1);
    const twice = [...seen].filter(([, k]) => k > 1).map(([n]) => n);
    if (twice.length) problems.push(`user ${userId}: event ${twice[0]} was processed ${seen.get(twice[0])} times: each partition consumer must see only its own subject`);
    const missing = all.filter((e) => e.userId === userId && !seen.has(e.n));
    if (missing.length) problems.push(`user ${userId}: ${label(missing[0])} was never processed`);
    for (let i = 1; i < mine.length; i++) {
      const late = mine.slice(0, i).find((x) => x.n > mine[i].n);
      if (late && !twice.length) {
        problems.push(`user ${userId}: ${label(late)} processed before ${label(mine[i])}: per-user order is broken`);
        break;
      }
    }
  }
  if (problems.length) {
    const shown = problems.slice(0, 5);
    if (problems.length > 5) shown.push(`... and ${problems.length - 5} more problems like these`);
    return { ok: false, problems: shown };
  }
  const workers = new Set(processed.map((x) => x.worker)).size;
  return {
    ok: true,
    proved: [
      `${USERS.length} users x 6 events, each processed once and in publish order, through random delays and naks`,
      `the work ran on ${workers} partition workers in parallel`,
    ],
  };
}

export default defineExercise({
  id: '06-per-user-order',
  title: 'Per-user order holds under random delays and naks',
  minutes: 15,
  goal: 'Route each event to a partition so one user always uses one lane, and configure the lane so a retry cannot let a later event overtake.',
  checks: [
    `publishes ${USERS.length} users' orders (2 each, created -> paid -> shipped) interleaved into ${PARTITIONS} partitions by your partitionFor`,
    'runs one worker per partition on your consumer config, with random work times (2-15 ms)',
    'naks about one first delivery in five for a retry 60 ms later',
    'reads each user\'s processing order: every event once, in publish order',
  ],
  check,
});
