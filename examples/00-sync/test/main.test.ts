// `pnpm start` tells its chapter: the demo runs as a real child process, exits 0, prints every
// step with the chapter's numbers, and a bad flag prints usage and exits 2. `--fast` divides the
// latencies by 10 so this costs about a second instead of the default run's five.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { programArgv } from '@mq/shared/services';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function runDemo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [...programArgv('src/main.ts', pkgDir), ...args], { cwd: pkgDir, timeout: 15_000, env: { ...process.env, MQ_REAL_TIMINGS: '' } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

describe.concurrent('src/main.ts', () => {
  it('runs the whole chapter and exits 0 within 15 s', async () => {
    const r = await runDemo(['--fast']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(15_000);
    const out = r.stdout;
    expect(out).toContain('00-sync: One request does everything');
    for (const step of [
      'Step 1. Happy path',
      'Step 2. Inventory service down',
      'Step 3. Email server hangs',
      'Step 4. Points service fails',
      "Step 5. Flash sale: 500 orders/s against 10 request handlers (Little's law)",
    ])
      expect(out).toContain(step);
    // Scene 1 at 1/10 speed: the user waits the sum of the steps, 49 ms nominal (not the default 490).
    const waited = Number(/The user waited (\d+) ms: the sum of the five steps/.exec(out)?.[1]);
    expect(waited).toBeGreaterThanOrEqual(47);
    expect(waited).toBeLessThan(300);
    expect(out).toContain('Calls made: ordersDb.insert ok, inventory.deduct error, ordersDb.rollback ok');
    expect(out).toContain('log.Error: adding points failed: points: points service returned 500');
    expect(out).toMatch(/loyalty points\s+\| NOT added/);
    expect(out).toContain('Keeping up needs 245 in flight');
    expect(out).toContain("with the story's SMTP timeout, 15,145");
    expect(out).toContain('(The story rounds the timeout case to 500 x 30 s = 15,000.)');
  });

  it('rejects an unknown flag with the usage text and exit code 2', async () => {
    const r = await runDemo(['--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--bogus'");
    expect(r.stderr).toContain('usage: pnpm --filter 00-sync start');
    expect(r.stdout).toBe('');
  });
});
