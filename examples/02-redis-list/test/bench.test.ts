// Smoke test for the AOF bench (the real numbers come from `pnpm bench`, not from a test):
// the tiny run measures all three configurations, each server really runs the persistence
// it claims, and the figures are sane.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import type { AofBenchRow } from '../src/aof-cost';

function runBenchCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = fileURLToPath(new URL('../src/bench-aof.ts', import.meta.url));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', tsx, script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

it('bench --tiny --json measures none / everysec / always, and the servers really run that way', async () => {
  const { code, stdout, stderr } = await runBenchCli(['--tiny', '--json', '--duration-ms', '150', '--clients', '2']);
  expect(code, stderr).toBe(0);
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
    expect(r.opsPerSec, JSON.stringify(r)).toBeGreaterThan(0);
    expect(Number.isFinite(r.opsPerSec)).toBe(true);
    expect(r.p50Ms, JSON.stringify(r)).toBeGreaterThan(0);
    expect(r.p99Ms!, JSON.stringify(r)).toBeGreaterThanOrEqual(r.p50Ms!);
    expect(r.rounds).toHaveLength(1);
  }
});
