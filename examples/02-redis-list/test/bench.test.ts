// Smoke test for the AOF bench (the real numbers come from `pnpm bench`, not from a test):
// the tiny run measures all three configurations, each server really runs the persistence
// it claims, and the figures are sane.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { programArgv } from '@mq/shared/services';
import { expect, it } from 'vitest';
import type { AofBenchRow } from '../src/aof-cost';
import { cleanupAfterEach } from './cleanup';

const cleanup = cleanupAfterEach();

// The bench child owns its redis-servers, so it runs in its own process group: if it hangs past
// the deadline, or the test fails while it runs, the whole group (the bench and its servers) is
// SIGKILLed, and nothing outlives the test.
const BENCH_DEADLINE_MS = 20_000;
function runBenchCli(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const script = fileURLToPath(new URL('../src/bench-aof.ts', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...programArgv(script), ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    // The whole group, even after the bench itself has exited: a bench that died without
    // disposing of its servers would leave them behind. (ESRCH: nothing left to kill.)
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    cleanup(killGroup);
    const timer = setTimeout(() => {
      stderr += `\n(bench still running after ${BENCH_DEADLINE_MS} ms: killed)`;
      killGroup();
    }, BENCH_DEADLINE_MS);
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

it('bench --tiny --json measures none / everysec / always, and the servers really run that way', async () => {
  const { code, signal, stdout, stderr } = await runBenchCli(['--tiny', '--json', '--duration-ms', '150', '--clients', '2']);
  expect({ code, signal }, stderr).toEqual({ code: 0, signal: null });
  expect(stderr).toBe('');
  const rows = JSON.parse(stdout) as AofBenchRow[];
  expect(rows.map((r) => [r.config, r.client, r.pipeline])).toEqual([
    ['no persistence', 'ioredis', 1],
    ['AOF everysec', 'ioredis', 1],
    ['AOF always', 'ioredis', 1],
  ]);
  expect(rows.map((r) => (r.aof.enabled ? r.aof.fsync : 'off'))).toEqual(['off', 'everysec', 'always']);
  // Sane, not fast: this is a smoke test, and on a machine loaded by parallel suites a 150 ms run
  // may complete only a handful of writes. Speed is for `pnpm bench`, not for assertions.
  for (const r of rows) {
    expect(Number.isFinite(r.opsPerSec), `${r.config}: ops/s ${r.opsPerSec}`).toBe(true);
    expect(r.p99Ms!, JSON.stringify(r)).toBeGreaterThanOrEqual(r.p50Ms!);
    expect(r.rounds).toHaveLength(1);
  }
});
