// A worker a learner runs by hand, to kill it mid-task and see what survives. It works on lesson
// 02's own keys on the shared Redis (l02:try:email), takes tasks the chosen way (BRPOP, or BLMOVE
// with a processing list and a reaper), spends --work-ms on each, and exits once nothing is left.
// `kill -9 <pid>` from another terminal kills it on the spot, like the OOM killer: nothing is
// cleaned up, and the next run shows what Redis still knows. Ctrl-C stops it and removes the keys.
import { cleanupOnExit, connectRedis, createOutput, delay, intFlag, lessonScope, parseFlags, resolveRedis, runMain } from '@mq/shared';
import { UsageError } from '@mq/shared';
import type { Redis } from 'ioredis';
import { ListWorker, pushTasks, queuedIds } from '../list-queue';
import { processingIds, Reaper, reliableKeys, ReliableWorker } from '../reliable-queue';
import { makeTasks, type Task } from '../task';

const USAGE = `usage: pnpm --filter 02-redis-list worker [-- options]
  --mode list|reliable  take tasks with BRPOP (list, the story's) or BLMOVE + processing list + reaper (default list)
  --push N              first queue N new tasks (email:ORD-0001..)
  --work-ms MS          how long each task takes (default 3000: time to kill it)
  --visibility-ms MS    reliable mode: a task in progress longer than this goes back to the queue
                        (default: twice --work-ms, at least 1000, so a live worker keeps its task)
  --reset               remove lesson 02's try keys and exit`;

const scope = lessonScope('02');
const out = createOutput();

runMain(async () => {
  const f = parseFlags(USAGE, {
    mode: { type: 'string' },
    push: { type: 'string' },
    'work-ms': { type: 'string' },
    'visibility-ms': { type: 'string' },
    reset: { type: 'boolean' },
  });
  const mode = f.mode ?? 'list';
  if (mode !== 'list' && mode !== 'reliable') throw new UsageError(`--mode must be list or reliable\n\n${USAGE}`);
  const push = intFlag('push', f.push, 0, 0, 1_000);
  const workMs = intFlag('work-ms', f['work-ms'], 3_000, 0, 600_000);
  const visibilityMs = intFlag('visibility-ms', f['visibility-ms'], Math.max(1_000, 2 * workMs), 50, 3_600_000);
  const keys = reliableKeys(scope.key('try:email'));
  const allKeys = [keys.queue, keys.processing, keys.claimedAt, keys.owner];

  const service = await resolveRedis();
  const redis = connectRedis(service.url);
  const conns: Redis[] = [redis];
  const conn = () => {
    const c = connectRedis(service.url);
    conns.push(c);
    return c;
  };
  const close = async () => {
    conns.forEach((c) => c.disconnect());
    await service.close();
  };
  if (f.reset) {
    const existing = await Promise.all(allKeys.map((k) => redis.exists(k)));
    const present = allKeys.filter((_, i) => existing[i] === 1);
    await redis.del(...allKeys);
    out.say(present.length ? `removed ${present.join(', ')}` : `nothing to remove (${allKeys.join(', ')} do not exist)`);
    return close();
  }
  const done = cleanupOnExit(async () => {
    await redis.del(...allKeys);
    await close();
  });
  try {
    out.say(`worker pid ${process.pid}, ${mode} mode; queue: task:email (lesson 02's copy: ${keys.queue}) on ${service.url}`);
    if (push > 0) {
      await pushTasks(redis, keys.queue, makeTasks(push));
      out.say(`pushed ${push} tasks`);
    }
    const waiting = await queuedIds(redis, keys.queue);
    const inProgress = await processingIds(redis, keys);
    out.say(`waiting in the queue: ${waiting.reverse().join(', ') || 'nothing'}`);
    if (mode === 'reliable') out.say(`in the processing list (taken, never acked): ${inProgress.join(', ') || 'nothing'}`);
    const work = async (task: Task) => {
      out.say(`${task.id}: sending the email for ${workMs} ms (kill -9 ${process.pid} now kills this worker mid-task)`);
      await delay(workMs);
    };
    const say = (line: string) => out.say(line);
    if (mode === 'list') {
      let busy = false;
      const w = new ListWorker({
        conn: conn(),
        key: keys.queue,
        name: 'worker',
        handler: work,
        onEvent: (e) => {
          busy = e.type === 'took';
          if (e.type === 'took') say(`BRPOP -> ${e.id}: from now on it exists only in this process's memory`);
          if (e.type === 'done') say(`${e.id} done`);
        },
      }).start();
      await waitUntil(async () => (await redis.llen(keys.queue)) === 0 && !busy);
      await w.stop();
    } else {
      const reaper = new Reaper(conn(), keys, visibilityMs, undefined, (e) => {
        if (e.type === 'reaped') say(`reaper: ${e.ids.join(', ')} in progress for over ${visibilityMs} ms, back to the queue`);
      }).start();
      const w = new ReliableWorker({
        conn: conn(),
        keys,
        name: 'worker',
        handler: work,
        onEvent: (e) => {
          if (e.type === 'took') say(`BLMOVE -> ${e.id}: queue -> processing list`);
          if (e.type === 'acked') say(`${e.id} done, LREM from the processing list (the ack)`);
          if (e.type === 'late-ack') say(`${e.id} done, but too late: the reaper had handed it on`);
        },
      }).start();
      await waitUntil(async () => (await redis.llen(keys.queue)) + (await redis.llen(keys.processing)) === 0);
      await Promise.all([w.stop(), reaper.stop()]);
    }
    out.say('nothing left to do: exiting (and removing the keys)');
  } finally {
    await done();
  }
});

/** Poll until `cond` holds twice in a row, 100 ms apart (a task between BRPOP and its event is not missed). */
async function waitUntil(cond: () => Promise<boolean>): Promise<void> {
  let streak = 0;
  while (streak < 2) {
    streak = (await cond()) ? streak + 1 : 0;
    await delay(100);
  }
}
