// The redrive command as a learner runs it (a child process pointed at a private server through
// NATS_URL): --dry-run changes nothing, --subject picks one subject's dead letters, and a bad flag
// prints the usage and exits 2. One test, three processes at once: process start-up is the cost here.
// A redrive whose original stream is gone stops, keeps the dead letter and exits 1.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { programArgv } from '@mq/shared/services';
import { privateNats, type NatsFixture } from '@mq/shared/testing';
import { listDeadLetters, publishDeadLetter } from '../src/dead-letter';
import { REDRIVEN_FROM } from '../src/redrive';
import { DLQ_STREAM, ORDERS_STREAM, setup, SUBJECTS } from '../src/setup';

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** A child that hangs is SIGKILLed after this long, so it cannot outlive the test. */
const CHILD_TIMEOUT_MS = 20_000;

let fx: NatsFixture;
beforeAll(async () => {
  fx = await privateNats();
  await setup(fx.nats.jsm, { fresh: true });
  const letter = { stream: ORDERS_STREAM, consumer: 'w', deliveries: 4, error: 'boom', reason: 'retries-exhausted' as const };
  await publishDeadLetter(fx.nats.js, { ...letter, subject: SUBJECTS.email, seq: 11, data: new TextEncoder().encode('{"orderId":"ORD-0011"}') });
  await publishDeadLetter(fx.nats.js, { ...letter, subject: SUBJECTS.push, seq: 12, data: new TextEncoder().encode('{"orderId":"ORD-0012"}') });
});
afterAll(() => fx?.dispose());

function run(...args: string[]): Promise<{ code: number | null; out: string }> {
  // One node process with the tsx loader (what the `redrive` script runs) or its bundle, not the tsx CLI, which
  // would run the script in a grandchild that a kill of the CLI leaves behind.
  const argv = [...programArgv('src/cli/redrive.ts', pkg), ...args];
  return promisify(execFile)(process.execPath, argv, { cwd: pkg, env: { ...process.env, NATS_URL: fx.url }, timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL' }).then(
    ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }),
    (err: { code: number | null; killed?: boolean; stdout: string; stderr: string }) => ({
      code: err.code,
      out: err.stdout + err.stderr + (err.killed ? `\n[killed after ${CHILD_TIMEOUT_MS} ms]` : ''),
    }),
  );
}

describe('pnpm --filter 07-dlq redrive', () => {
  it('--dry-run changes nothing, --subject redrives only that subject, a bad flag prints the usage and exits 2', async () => {
    // Three learners at once; they touch different dead letters, so the outcome does not depend on who goes first.
    const [dry, real, bad] = await Promise.all([run('--dry-run', '--subject', SUBJECTS.push), run('--subject', SUBJECTS.email), run('--limit', 'many')]);

    expect(dry.code).toBe(0);
    expect(dry.out).toContain('(from NATS_URL)');
    expect(dry.out).toMatch(/order\.push +\| +12 \|/);
    expect(dry.out).toContain('1 dead letter(s) would be redriven (--dry-run: nothing changed)');

    expect(real.code).toBe(0);
    expect(real.out).toContain('1 dead letter(s) republished');
    // The push dead letter is still there (dry run); the email one is back on its original subject.
    expect((await listDeadLetters(fx.nats.jsm)).map((l) => l.original.subject)).toEqual([SUBJECTS.push]);
    const back = (await fx.nats.jsm.streams.getMessage(ORDERS_STREAM, { seq: 1 }))!;
    expect(back.subject).toBe(SUBJECTS.email);
    expect(back.string()).toBe('{"orderId":"ORD-0011"}');
    expect(back.header.get(REDRIVEN_FROM)).toBe(`${DLQ_STREAM}/1`);
    expect((await fx.nats.jsm.streams.info(ORDERS_STREAM)).state.messages).toBe(1);

    expect(bad.code).toBe(2);
    expect(bad.out).toContain('--limit must be an integer');
    expect(bad.out).toContain('Usage: pnpm --filter 07-dlq redrive');
  });

  it('stops with exit code 1 and keeps the dead letter when the original stream is gone (README Try 2)', async () => {
    await fx.nats.jsm.streams.delete(ORDERS_STREAM); // what the demo does at its end
    const gone = await run('--subject', SUBJECTS.push);
    expect(gone.out).toContain('redrive stopped');
    expect(gone.code, 'a redrive that republished nothing must not exit 0 (scripts and CI read the code)').toBe(1);
    expect((await listDeadLetters(fx.nats.jsm)).map((l) => l.original.subject)).toEqual([SUBJECTS.push]);
  });
});
