// Issue 11: the 07 demo, run as a learner runs it (a child process on NATS_URL), touches only its own
// names. Another lesson's streams (the story's ORDERS and DLQ, lesson 04's copy) survive unchanged;
// at its end only L07_DLQ is left, with one dead letter, and `--cleanup` removes it; a SIGTERM
// mid-demo removes everything of lesson 07.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ensureStream, waitFor } from '@mq/shared';
import { programArgv } from '@mq/shared/services';
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import type { JetStreamManager } from '@nats-io/jetstream';

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixtures: NatsFixture[] = [];
beforeAll(async () => {
  fixtures.push(...(await Promise.all([privateNats(), privateNats()])));
});
afterAll(async () => {
  await Promise.all(fixtures.map((f) => f.dispose()));
});

/** Streams someone else owns: the story's names and lesson 04's copy, each with one message. */
async function othersStreams(fx: NatsFixture): Promise<void> {
  for (const [name, subject] of [['ORDERS', 'order.*'], ['DLQ', 'order.*.dlq'], ['L04_ORDERS', 'l04.order.*']] as const) {
    await ensureStream(fx.nats.jsm, { name, subjects: [subject] });
  }
  for (const subject of ['order.email', 'order.email.dlq', 'l04.order.email']) await fx.nats.js.publish(subject, '{}');
}

async function streams(jsm: JetStreamManager): Promise<string[]> {
  const out: string[] = [];
  for await (const s of jsm.streams.list()) out.push(`${s.config.name}:${s.state.messages}`);
  return out.sort();
}

type OnOutput = (outSoFar: string, kill: () => void) => void;

function demo(url: string, args: string[] = [], onLine?: OnOutput): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...programArgv('src/main.ts', pkg), ...args], { cwd: pkg, env: { ...process.env, NATS_URL: url } });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    const take = (b: Buffer) => {
      out += b.toString();
      onLine?.(out, () => child.kill('SIGTERM'));
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe.concurrent('07-dlq demo on a shared server', () => {
  it("leaves other lessons' streams alone and only its DLQ behind, with the command to remove it", async ({ expect }) => {
    const fx = fixtures[0];
    await othersStreams(fx);
    const before = await streams(fx.nats.jsm);
    const run = await demo(fx.url);
    expect(run.code, run.out).toBe(0);
    expect(run.out).toContain('Left on purpose: DLQ (lesson 07\'s copy: L07_DLQ) with 1 dead letter(s)');
    expect(run.out).toContain('pnpm --filter 07-dlq redrive -- --purge');
    expect(await streams(fx.nats.jsm), 'streams after the demo').toEqual([...before, 'L07_DLQ:1'].sort());
    const cleanup = await demo(fx.url, ['--cleanup']);
    expect(cleanup.code, cleanup.out).toBe(0);
    expect(await streams(fx.nats.jsm), 'streams after --cleanup').toEqual(before);
  });

  it('removes everything of lesson 07 when stopped with SIGTERM mid-demo', async ({ expect }) => {
    const fx = fixtures[1];
    await othersStreams(fx);
    const before = await streams(fx.nats.jsm);
    let sent = false;
    const run = await demo(fx.url, [], (out, kill) => {
      if (!sent && out.includes('Step 6.')) {
        sent = true;
        kill();
      }
    });
    expect(run.code, run.out).toBe(143);
    expect(run.out).toContain('SIGTERM: cleaning up before exit');
    await waitFor(async () => !(await streams(fx.nats.jsm)).some((s) => s.startsWith('L07_')), { timeoutMs: 2_000, what: 'no L07_ stream' }).catch(() => {});
    expect(await streams(fx.nats.jsm), 'streams after SIGTERM').toEqual(before);
  });
});
