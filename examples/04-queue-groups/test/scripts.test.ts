// The workshop scripts' contract: the line a worker prints (and that the tests parse), the
// reproducible failure draw, the flags (bad ones print usage and exit 2, checked on a real
// process), and finding NATS without ever starting a private server per terminal.
import { describe, expect, it } from 'vitest';
import { UsageError } from '@mq/shared';
import { failDraw } from '../src/handler';
import { subjectFamily } from '../src/setup';
import { publishConfig, workerConfig } from '../src/script-config';
import { runScript } from '../src/spawn-script';
import { formatWorkerLine, parseWorkerLine, todDiff } from '../src/worker-line';
import { workshopNats } from '../src/workshop-nats';

describe('bad flags, on a real process', () => {
  it('print usage and exit 2', async () => {
    const worker = await runScript('worker', ['--bogus'], { timeoutMs: 15_000 }); // killed if it hangs
    expect(worker.code).toBe(2);
    expect(worker.stderr).toContain("Unknown option '--bogus'");
    expect(worker.stderr).toContain('Usage: pnpm --filter 04-queue-groups worker');
    expect(worker.stdout).toBe('');
  });
});

describe('--help, on a real process', () => {
  it('prints the usage on stdout and exits 0, for the worker and the publisher', async () => {
    for (const script of ['worker', 'publish'] as const) {
      const r = await runScript(script, ['--help'], { timeoutMs: 15_000 });
      expect({ code: r.code, stderr: r.stderr }, `${script} --help`).toEqual({ code: 0, stderr: '' });
      expect(r.stdout).toContain(`Usage: pnpm --filter 04-queue-groups ${script === 'worker' ? 'worker' : 'run publish'}`);
    }
  });
});

describe('the worker and publisher flags', () => {
  it("default to the seed workshop in lesson 04's scope: group order-processor, L04_ORDERS, l04.order.created, batch 1", () => {
    const defaults = { group: 'order-processor', id: '1', stream: 'L04_ORDERS', subject: 'l04.order.created', retention: 'workqueue', batch: 1, failRate: 0 };
    // By hand AckWait is the story's 30 s, long enough to kill a hung worker before its batch comes back.
    expect(workerConfig([], {})).toMatchObject({ ...defaults, ackWaitMs: 30_000, nakDelayMs: 500 });
    expect(workerConfig(['--', '--group', 'order-processor', '--id', '2', '--real-timings'], { FAIL_RATE: '0.5' })).toMatchObject({ id: '2', failRate: 0.5, ackWaitMs: 30_000, nakDelayMs: 30_000 });
    expect(workerConfig([], { MQ_REAL_TIMINGS: '1' })).toMatchObject({ ackWaitMs: 30_000, nakDelayMs: 30_000 }); // the env var alone
    expect(workerConfig(['--ack-wait-ms', '1000', '--retention', 'interest'], {})).toMatchObject({ ackWaitMs: 1_000, retention: 'interest' });
    expect(publishConfig(['--count', '3'])).toMatchObject({ count: 3, from: 1, stream: 'L04_ORDERS', subject: 'l04.order.created', retention: 'workqueue' });
  });

  it('reject a bad FAIL_RATE, a dotted group name or a wildcard subject, with the usage', () => {
    expect(() => workerConfig([], { FAIL_RATE: '2' })).toThrow(UsageError);
    expect(() => workerConfig([], { FAIL_RATE: '2' })).toThrow(/FAIL_RATE must be a number from 0 to 1, got "2"[\s\S]*Usage:/);
    expect(() => workerConfig(['--group', 'order.processor'], {})).toThrow(/contains "\."[\s\S]*Usage:/);
    expect(() => publishConfig(['--subject', 'order.*'])).toThrow(/concrete subject[\s\S]*Usage:/);
    expect(() => publishConfig(['--retention', 'fanout'])).toThrow(/--retention must be one of workqueue, interest, limits, got "fanout"[\s\S]*Usage:/);
    expect(() => publishConfig(['--count', 'lots'])).toThrow(/--count must be an integer between 1 and 1000000, got "lots"[\s\S]*Usage: pnpm --filter 04-queue-groups run publish/);
  });
});

describe('finding NATS for the workshop', () => {
  it('with nothing on the default port and no NATS_URL, refuses instead of starting a private server per terminal', async () => {
    const dead = 'nats://127.0.0.1:1'; // nothing listens on port 1 (a freePort() could be taken by a parallel test)
    await expect(workshopNats(undefined, {}, dead)).rejects.toThrow(`No NATS server answers at ${dead} and NATS_URL is not set: every workshop terminal must talk to the same server`);
  });

  it('an unreachable NATS_URL or --url is named in the one-sentence fix', async () => {
    const dead = 'nats://127.0.0.1:1'; // nothing listens on port 1 (a freePort() could be taken by a parallel test)
    await expect(workshopNats(undefined, { NATS_URL: dead })).rejects.toThrow(`No NATS server answers at ${dead} (from NATS_URL)`);
    await expect(workshopNats(dead, {})).rejects.toThrow(`No NATS server answers at ${dead} (from --url)`);
  });
});

describe('the worker line', () => {
  it('says which worker, which order, which delivery, ack or nak, and parses back', () => {
    const at = new Date(2024, 5, 1, 14, 3, 7, 250).getTime();
    const text = formatWorkerLine({ worker: '2', orderId: 'ORD-0007', deliveryCount: 1, outcome: 'nak', note: 'email failed; nak, retry in 500 ms' }, at);
    expect(text).toBe('14:03:07.250  worker 2  ORD-0007  delivery 1  nak  (email failed; nak, retry in 500 ms)');
    expect(parseWorkerLine(text)).toEqual({ todMs: 50_587_250, worker: '2', orderId: 'ORD-0007', deliveryCount: 1, outcome: 'nak', note: 'email failed; nak, retry in 500 ms' });
    expect(parseWorkerLine('14:03:07.250  worker 2 ready: group "g"')).toBeUndefined();
  });

  it('measures time-of-day spans across midnight', () => {
    expect(todDiff(500, 86_399_500)).toBe(1_000);
  });
});

describe('failDraw', () => {
  it('is fixed per (order, delivery) and roughly uniform', () => {
    expect(failDraw('ORD-0001', 1)).toBe(failDraw('ORD-0001', 1));
    expect(failDraw('ORD-0001', 1)).not.toBe(failDraw('ORD-0001', 2));
    const draws = Array.from({ length: 2_000 }, (_, i) => failDraw(`ORD-${i}`, 1 + (i % 3)));
    const below = draws.filter((d) => d < 0.5).length;
    expect(below, 'draws below 0.5 of 2,000').toBeGreaterThan(900);
    expect(below, 'draws below 0.5 of 2,000').toBeLessThan(1_100);
  });
});

it('a new stream captures the subject family', () => {
  expect(subjectFamily('order.created')).toBe('order.*');
  expect(subjectFamily('orders')).toBe('orders');
});
