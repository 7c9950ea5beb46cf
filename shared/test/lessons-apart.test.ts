// Lessons share the default servers, and a learner may leave a 04 workshop worker running while
// other lessons' demos run (issue 11: a 04 worker used to loop on "consumer not found" for ever
// once 03 had run, and 07 deleted streams that were not its own). This runs exactly that on one
// private nats-server: a 04 worker, then the 03 and 07 demos side by side to their end, then
// orders published afterwards. The worker processes every one, and never had to rebuild its group.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '@mq/shared';
import { programArgv } from '@mq/shared/services';
import { privateNats, type NatsFixture } from '@mq/shared/testing';

const root = path.resolve(import.meta.dirname, '../..');
let fx: NatsFixture;
const children: ChildProcess[] = [];

beforeAll(async () => {
  fx = await privateNats();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await fx?.dispose();
});

/** Start a lesson's program against the private server; its output accumulates in `out`. */
function start(lesson: string, program: string, args: string[] = []) {
  const cwd = path.join(root, 'examples', lesson);
  const child = spawn(process.execPath, [...programArgv(program, cwd), ...args], {
    cwd,
    env: { ...process.env, NATS_URL: fx.url, MQ_LEARNER: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const run = { child, out: '', exited: new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))) };
  child.stdout!.on('data', (d) => (run.out += d));
  child.stderr!.on('data', (d) => (run.out += d));
  return run;
}

it('a 04 worker left running keeps processing orders published after the 03 and 07 demos ran', async () => {
  const worker = start('04-queue-groups', 'src/cli/worker.ts', ['--id', '1', '--work-ms', '5']);
  await waitFor(() => /worker 1 ready/.test(worker.out), { timeoutMs: 15_000, what: `the 04 worker to be ready; it said:\n${worker.out}` });

  const demo03 = start('03-jetstream', 'src/main.ts', ['--orders', '2']);
  const demo07 = start('07-dlq', 'src/main.ts');
  const [code03, code07] = await Promise.all([demo03.exited, demo07.exited]);
  expect(code03, `03's demo failed beside a 04 worker:\n${demo03.out.slice(-1500)}`).toBe(0);
  expect(code07, `07's demo failed beside a 04 worker:\n${demo07.out.slice(-1500)}`).toBe(0);

  const publish = start('04-queue-groups', 'src/cli/publish.ts', ['--count', '5']);
  expect(await publish.exited, `04's publisher failed:\n${publish.out}`).toBe(0);
  const ids = ['ORD-0001', 'ORD-0002', 'ORD-0003', 'ORD-0004', 'ORD-0005'];
  const acked = () => ids.filter((id) => new RegExp(`worker 1 +${id} +delivery 1 +ack`).test(worker.out));
  await waitFor(() => acked().length === ids.length, {
    timeoutMs: 10_000,
    what: `the 04 worker to ack every order published after the demos (acked: ${acked().join(', ') || 'none'})`,
  }).catch((err) => {
    throw new Error(`${(err as Error).message}\nthe worker said:\n${worker.out.slice(-1500)}`);
  });
  expect(worker.out, 'the demos must never touch lesson 04\'s stream or group').not.toMatch(/lost|creating them again|not found/i);
  worker.child.kill('SIGTERM');
  expect(await worker.exited, 'the worker leaves cleanly on SIGTERM').toBe(0);
}, 60_000);
