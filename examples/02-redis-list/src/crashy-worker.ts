// A worker as a separate process, so it can really die. It takes ONE task the way the chosen
// queue hands them out (list: BRPOP, reliable: BLMOVE, stream: XREADGROUP), prints
// "TOOK {json}" on stdout, and starts "sending the email" (a long pause standing in for the work).
// The lesson SIGKILLs it there: no finally block, no shutdown hook, exactly like an OOM kill.
// Had it finished, it would record the task in the done ledger and ack it like any worker.
import { connectRedis, delay, intFlag, parseFlags, runMain, UsageError } from '@mq/shared';
import { popTask } from './list-queue';
import { claimTask, completeTask, reliableKeys } from './reliable-queue';
import { ack, readNew } from './stream-queue';
import type { CrashyMode } from './spawn-worker';
import { DoneLedger, type Task } from './task';

const USAGE = `usage: tsx src/crashy-worker.ts --url redis://... --mode list|reliable|stream --key KEY --ledger PREFIX [--group G] [--name N] [--work-ms MS]`;

runMain(async () => {
  const f = parseFlags(USAGE, {
    url: { type: 'string' },
    mode: { type: 'string' },
    key: { type: 'string' },
    ledger: { type: 'string' },
    group: { type: 'string' },
    name: { type: 'string' },
    'work-ms': { type: 'string' },
  });
  if (!f.url || !f.key || !f.ledger || !['list', 'reliable', 'stream'].includes(f.mode ?? '')) throw new UsageError(USAGE);
  const mode = f.mode as CrashyMode;
  const name = f.name ?? `crashy-${process.pid}`;
  const workMs = intFlag('work-ms', f['work-ms'], 600_000, 0);
  const redis = connectRedis(f.url);
  const ledger = new DoneLedger(redis, f.ledger);

  let task: Task | undefined;
  let finish: () => Promise<unknown> = async () => {};
  while (!task) {
    if (mode === 'list') {
      task = (await popTask(redis, f.key, 1))?.task;
    } else if (mode === 'reliable') {
      const keys = reliableKeys(f.key);
      const claimed = await claimTask(redis, keys, 1);
      task = claimed?.task;
      if (claimed) finish = () => completeTask(redis, keys, claimed);
    } else {
      const ref = { stream: f.key, group: f.group ?? 'workers' };
      const [entry] = await readNew(redis, ref, name, 1000);
      task = entry?.task;
      if (entry) finish = () => ack(redis, ref, entry.entryId);
    }
  }
  console.log(`TOOK ${JSON.stringify({ id: task.id, pid: process.pid, worker: name, mode })}`);
  await delay(workMs); // "sending the email": the parent kills us in here
  await ledger.record(task, name);
  await finish();
  console.log(`DONE ${task.id}`);
  redis.disconnect();
});
