// The check of 02-stream-takeover. On lesson 02's exercise keys of the Redis it finds
// (x02:check:<pid>:..., removed at the end) it plays a consumer that reads an entry and dies, and
// calls the learner's takeOverStale from a live consumer: too early (must take nothing), after
// the idle threshold (must take exactly that entry), and then looks for the dead consumer.
import { connectRedis, delay, lessonScope, resolveRedis } from '@mq/shared';
import { defineExercise, describeThrown, type Verdict } from '@mq/shared/workshop';

type TakeOverStale = (redis: import('ioredis').Redis, ref: { stream: string; group: string }, consumer: string, minIdleMs: number) => Promise<string[]>;

const MIN_IDLE_MS = 400;

export default defineExercise({
  id: '02-stream-takeover',
  title: "Take over a dead consumer's entries, then remove the consumer",
  minutes: 15,
  goal:
    'takeOverStale moves to a live consumer the entries another consumer has held unacked for at least minIdleMs, ' +
    'never sooner, and removes consumers that hold nothing any more, so dead ones do not stay in the group for ever.',
  checks: [
    'consumer "crashy" reads an entry and dies; "alive" reads and acks another; a third entry is never read',
    `right away, takeOverStale for "alive" (min idle ${MIN_IDLE_MS} ms) must take nothing: crashy may only be slow`,
    `after ${MIN_IDLE_MS} ms it must take exactly crashy's entry (Redis then shows "alive" as its owner, delivery 2)`,
    'afterwards "crashy" must no longer be a consumer of the group',
  ],
  async check(ctx): Promise<Verdict> {
    let takeOverStale: TakeOverStale;
    try {
      takeOverStale = (await import(ctx.modulePath)).takeOverStale;
      if (typeof takeOverStale !== 'function') return { ok: false, problems: ['the file does not export a function takeOverStale'] };
    } catch (err) {
      return { ok: false, problems: [`the file could not be loaded: ${describeThrown(err)}`] };
    }
    const service = await resolveRedis();
    const redis = connectRedis(service.url);
    const ref = { stream: lessonScope('02', 'exercise').key(`check:${process.pid}:stream`), group: 'email-workers' };
    try {
      await redis.del(ref.stream);
      await redis.xgroup('CREATE', ref.stream, ref.group, '0', 'MKSTREAM');
      const ids = [];
      for (const n of [1, 2, 3]) ids.push(String(await redis.xadd(ref.stream, '*', 'task', `email:ORD-000${n}`)));
      const [lost, done, fresh] = ids;
      await redis.xreadgroup('GROUP', ref.group, 'crashy', 'COUNT', 1, 'STREAMS', ref.stream, '>');
      const readAt = performance.now();
      await redis.xreadgroup('GROUP', ref.group, 'alive', 'COUNT', 1, 'STREAMS', ref.stream, '>');
      await redis.xack(ref.stream, ref.group, done);
      ctx.log('crashy read an entry and died; alive asks at once, then after the threshold');

      return await judge(takeOverStale, redis, ref, { lost, fresh, readAt });
    } catch (err) {
      return { ok: false, problems: [`takeOverStale threw: ${describeThrown(err)}`] };
    } finally {
      await redis.del(ref.stream).catch(() => {});
      redis.disconnect();
      await service.close();
    }
  },
});

async function judge(
  takeOverStale: TakeOverStale,
  redis: import('ioredis').Redis,
  ref: { stream: string; group: string },
  { lost, fresh, readAt }: { lost: string; fresh: string; readAt: number },
): Promise<Verdict> {
  const problems: string[] = [];
  const early = await takeOverStale(redis, ref, 'alive', MIN_IDLE_MS);
  const earlyMs = Math.round(performance.now() - readAt);
  if (early.length > 0) {
    problems.push(
      `entry ${early.join(', ')} was taken over after only ${earlyMs} ms idle (min ${MIN_IDLE_MS} ms): crashy may just be slow; ` +
        'take only entries idle at least minIdleMs',
    );
    return { ok: false, problems };
  }
  await delay(MIN_IDLE_MS + 50 - (performance.now() - readAt));
  const late = await takeOverStale(redis, ref, 'alive', MIN_IDLE_MS);
  if (late.length !== 1 || late[0] !== lost) {
    problems.push(`after ${MIN_IDLE_MS + 50} ms, takeOverStale returned [${late.join(', ')}]: expected exactly crashy's entry ${lost}`);
  }
  if (late.includes(fresh)) problems.push(`entry ${fresh} was never delivered to anyone: it is for XREADGROUP '>', not for a takeover`);
  const pending = (await redis.xpending(ref.stream, ref.group, '-', '+', 10)) as [string, string, number, number][];
  const mine = pending.find((p) => p[0] === lost);
  if (!late.includes(lost) || !mine || mine[1] !== 'alive') {
    problems.push(`entry ${lost} is held by ${mine?.[1] ?? 'nobody'} in Redis's pending list: it should now belong to alive`);
  }
  const consumers = ((await redis.xinfo('CONSUMERS', ref.stream, ref.group)) as unknown[]).map((row) => names(row));
  if (consumers.includes('crashy')) {
    problems.push('consumer crashy stayed in the group although it holds nothing now: dead consumers pile up for ever (XGROUP DELCONSUMER)');
  }
  if (!consumers.includes('alive')) problems.push('consumer alive, which is running, was removed from the group');
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    proved: [
      `nothing taken at ${earlyMs} ms idle; ${lost} taken after ${MIN_IDLE_MS} ms, now alive's (delivery ${mine?.[3]})`,
      `crashy removed from the group; consumers left: ${consumers.join(', ')}`,
    ],
  };
}

function names(row: unknown): string {
  if (row instanceof Map) return String(row.get('name'));
  const flat = row as unknown[];
  return String(flat[flat.indexOf('name') + 1]);
}
