// The check of 02-crash-safe-worker. On a private redis-server of its own it queues 5 tasks,
// starts the learner's worker as a real process, SIGKILLs it while it is inside handle() for its
// first task, then starts it again under the same name and waits. Every task must end done
// exactly once: the killed one included.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { connectRedis, waitFor } from '@mq/shared';
import { PrivateRedisServer } from '@mq/shared/services';
import { defineExercise, type Verdict } from '@mq/shared/workshop';

const QUEUE = 'task:email';
const TASKS = ['email:ORD-0001', 'email:ORD-0002', 'email:ORD-0003', 'email:ORD-0004', 'email:ORD-0005'];
const script = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Running {
  child: ChildProcess;
  /** Resolves with the first line starting with one of the prefixes, or with the exit. */
  line(prefixes: string[], timeoutMs: number): Promise<string>;
  kill(): Promise<void>;
}

function startWorker(modulePath: string, url: string, mode: 'hang-first' | 'normal'): Running {
  const child = spawn(process.execPath, ['--import', tsxLoader, script, modulePath, url, QUEUE, 'worker-1', mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    async line(prefixes, timeoutMs) {
      const find = () => out.split('\n').find((l) => prefixes.some((p) => l.startsWith(p)));
      await Promise.race([waitFor(() => find() !== undefined || child.exitCode !== null, { timeoutMs, what: 'the worker' }), exited]).catch(() => {});
      return find() ?? (child.exitCode !== null ? `EXIT ${child.exitCode}: ${err.trim().split('\n').slice(-1)[0] ?? ''}` : 'TIMEOUT');
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export default defineExercise({
  id: '02-crash-safe-worker',
  title: 'A Redis worker that a SIGKILL cannot make lose a task',
  minutes: 15,
  goal:
    'processNext takes a task from a Redis list so that it stays in Redis until handle() has finished: a worker killed ' +
    'mid-task and started again under the same name finishes that task, and every task is done exactly once.',
  checks: [
    `queue ${TASKS.length} tasks on a private redis-server; start your worker as a process`,
    'SIGKILL it inside handle() for its first task (no finally block runs)',
    'start it again as the same worker; every task must be done exactly once, the killed one included',
  ],
  async check(ctx): Promise<Verdict> {
    const server = await PrivateRedisServer.start();
    const redis = connectRedis(server.url);
    const workers: Running[] = [];
    try {
      for (const t of TASKS) await redis.lpush(QUEUE, t);
      ctx.log('starting worker-1; it will be killed in the middle of its first task');
      const first = startWorker(ctx.modulePath, server.url, 'hang-first');
      workers.push(first);
      const took = await first.line(['TOOK ', 'ERROR '], 15_000);
      if (!took.startsWith('TOOK ')) return { ok: false, problems: [`the worker never took a task: ${took.replace(/^ERROR /, '')}`] };
      const killedTask = took.slice(5);
      await first.kill();
      ctx.log(`worker-1 was SIGKILLed while handling ${killedTask}; starting it again`);
      const second = startWorker(ctx.modulePath, server.url, 'normal');
      workers.push(second);
      const ready = await second.line(['READY', 'ERROR '], 15_000);
      if (!ready.startsWith('READY')) return { ok: false, problems: [`the restarted worker failed: ${ready.replace(/^ERROR /, '')}`] };
      const doneCount = async () => Object.keys(await redis.hgetall(`${QUEUE}:done`)).length;
      await waitFor(async () => (await doneCount()) === TASKS.length && (await redis.llen(QUEUE)) === 0, { timeoutMs: 3_000, what: 'all tasks' }).catch(
        () => {},
      );
      // A little longer, so a task done twice has the time to show up.
      await new Promise((r) => setTimeout(r, 300));
      const done = await redis.hgetall(`${QUEUE}:done`);
      const problems: string[] = [];
      for (const t of TASKS) {
        const n = Number(done[t] ?? 0);
        if (n === 0 && t === killedTask) {
          problems.push(`${t} was never done: worker-1 took it, was SIGKILLed mid-task, and nothing in Redis remembered it for the restarted worker`);
        } else if (n === 0) problems.push(`${t} was never done, although the restarted worker ran for 3 s`);
        else if (n > 1) problems.push(`${t} was done ${n} times: only the killed task may be handled again, and only once`);
      }
      if (problems.length > 0) return { ok: false, problems };
      return {
        ok: true,
        proved: [`${killedTask}: taken, worker SIGKILLed mid-task, done once after the restart`, `all ${TASKS.length} tasks done exactly once`],
      };
    } finally {
      await Promise.allSettled(workers.map((w) => w.kill()));
      redis.disconnect();
      await server.dispose();
    }
  },
});
