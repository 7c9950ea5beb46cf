// A workshop worker left running must survive what happens to its stream around it: deleted under
// it (`pnpm reset`, or before lesson scopes, another lesson's demo), it creates stream and group
// again and processes the orders published afterwards. And a second group on a work-queue stream
// is refused with one sentence saying why and what to run instead; with --retention interest
// several groups each get every order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOrder, waitFor, withTimeout } from '@mq/shared';
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { runScript, spawnScript, type ScriptProcess } from '../src/spawn-script';

let fx: NatsFixture;
const procs: ScriptProcess[] = [];
beforeAll(async () => {
  fx = await privateNats();
});
afterAll(async () => {
  for (const p of procs) p.child.kill('SIGKILL');
  await fx?.dispose();
});

const worker = (args: string[]) => {
  const p = spawnScript('worker', ['--url', fx.url, '--work-ms', '5', ...args]);
  procs.push(p);
  return p;
};
const publish = (args: string[]) => runScript('publish', ['--url', fx.url, ...args], { timeoutMs: 15_000 });
const acked = (p: ScriptProcess) => p.lines.filter((l) => l.outcome === 'ack').map((l) => l.orderId).sort();
const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => makeOrder(from + i).id);

describe.concurrent('a worker whose stream is deleted under it', () => {
  it('creates the stream and its group again, and processes the orders published afterwards', async () => {
    const w = worker(['--stream', 'L04_GONE', '--subject', 'l04.gone.created', '--id', '1']);
    await withTimeout(w.ready, 20_000, 'the worker getting ready');
    await publish(['--stream', 'L04_GONE', '--subject', 'l04.gone.created', '--count', '3']);
    await waitFor(() => acked(w).length === 3, { timeoutMs: 10_000, what: 'the first 3 orders acked' });

    await fx.nats.jsm.streams.delete('L04_GONE'); // what `pnpm reset` does to a running workshop
    await waitFor(() => /back: group "order-processor" on L04_GONE again/.test(w.stdout()), { timeoutMs: 10_000, what: 'the worker to say it is back' });
    expect(w.stdout()).toContain('lost L04_GONE / group "order-processor" (deleted while it ran): creating them again');
    await publish(['--stream', 'L04_GONE', '--subject', 'l04.gone.created', '--from', '4', '--count', '3']);
    await waitFor(() => acked(w).length === 6, { timeoutMs: 10_000, what: 'the 3 orders published after the delete acked' });
    expect(acked(w), 'orders the worker acked').toEqual(ids(1, 6));
    expect(w.stderr(), 'no retry loop of 10 s or longer backoffs').not.toMatch(/retrying in \d{5,} ms/);
  });
});

describe.concurrent('two groups on one subject', () => {
  it('on a work-queue stream: the second group is refused in one sentence that says what to do', async () => {
    const a = worker(['--stream', 'L04_WQ2', '--subject', 'l04.wq2.created', '--group', 'emails']);
    await withTimeout(a.ready, 20_000, 'group "emails" getting ready');
    const b = await runScript('worker', ['--url', fx.url, '--stream', 'L04_WQ2', '--subject', 'l04.wq2.created', '--group', 'invoices'], { timeoutMs: 15_000 });
    expect(b.code).toBe(1);
    expect(b.stderr.trim()).toBe(
      '✘ group "invoices" cannot read l04.wq2.created on L04_WQ2: a work-queue stream gives each message to one consumer, so it allows only one ' +
        'group per subject; for several groups that each get every order, run all the workers and the publisher with ' +
        '--stream L04_FANOUT --subject l04.fanout.created --retention interest (or limits)',
    );
  });

  it('the refusal on the default stream names options that work: a worker started with them gets ready', async () => {
    // The Try's setup: the default stream (L04_ORDERS on l04.order.created) with a group on it. A
    // learner tag keeps every name apart from the other tests on this server (L04_TRY_FANOUT, ...).
    const env = { MQ_LEARNER: 'try' };
    const own = (args: string[]) => spawnScript('worker', ['--url', fx.url, '--work-ms', '5', ...args], { env });
    const a = own(['--group', 'emails', '--id', 'a1']);
    procs.push(a);
    await withTimeout(a.ready, 20_000, 'group "emails" on the default stream getting ready');
    const refused = await runScript('worker', ['--url', fx.url, '--group', 'invoices'], { env, timeoutMs: 15_000 });
    expect(refused.code, 'exit code of the refused second group').toBe(1);
    const advice = /run all the workers and the publisher with (.+) \(or limits\)/.exec(refused.stderr)?.[1];
    expect(advice, `the options the refusal suggests, in: ${refused.stderr}`).toBeDefined();
    const b = own([...advice!.split(' '), '--group', 'invoices', '--id', 'i9']);
    procs.push(b);
    await withTimeout(b.ready, 20_000, `group "invoices" started with the suggested ${advice}`);
  });

  it('a new stream on subjects another stream captures is refused in one sentence naming --subject', async () => {
    const a = worker(['--stream', 'L04_TAKEN', '--subject', 'l04.taken.created', '--group', 'emails']);
    await withTimeout(a.ready, 20_000, 'the first stream and group getting ready');
    const b = await runScript('worker', ['--url', fx.url, '--stream', 'L04_TWIN', '--subject', 'l04.taken.created'], { timeoutMs: 15_000 });
    expect(b.code, 'exit code of the worker whose stream cannot be made').toBe(1);
    expect(b.stderr.trim()).toBe(
      '✘ cannot create L04_TWIN on l04.taken.*: another stream already captures those subjects (each subject belongs to one ' +
        'stream); pick a subject of its own with --subject, e.g. --subject l04.twin.created',
    );
  });

  it('on an interest stream: each group gets every order, and inside a group the workers share them', async () => {
    const args = ['--stream', 'L04_FANOUT', '--subject', 'l04.fanout.created', '--retention', 'interest'];
    const emails = [worker([...args, '--group', 'emails', '--id', 'e1']), worker([...args, '--group', 'emails', '--id', 'e2'])];
    const invoices = worker([...args, '--group', 'invoices', '--id', 'i1']);
    await withTimeout(Promise.all([...emails, invoices].map((p) => p.ready)), 20_000, 'three workers getting ready');
    const out = await publish([...args, '--count', '10']);
    expect(out.stdout).toContain('every group on l04.fanout.created gets each of them, and the workers of a group share them (L04_FANOUT: interest retention)');
    const byEmails = () => [...acked(emails[0]), ...acked(emails[1])].sort();
    await waitFor(() => byEmails().length === 10 && acked(invoices).length === 10, { timeoutMs: 10_000, what: '10 acks in each group' });
    expect(byEmails(), 'orders the "emails" group acked (two workers)').toEqual(ids(1, 10));
    expect(acked(invoices), 'orders the "invoices" group acked').toEqual(ids(1, 10));
    // Interest retention: a message leaves once every group has acked it.
    await waitFor(async () => (await fx.nats.jsm.streams.info('L04_FANOUT')).state.messages === 0, { timeoutMs: 5_000, what: 'the stream to empty' });
  });
});
