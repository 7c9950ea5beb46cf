// Smoke test of the bench in quick mode: the table is produced, it is sane, and the restart check
// observes what each transport is known to keep. Not a performance assertion: numbers vary by machine.
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { QUICK, runBench, type BenchReport } from '../src/bench';
import { renderChart } from '../src/chart';

const DRIVERS = ['pg-poll', 'pg-notify', 'redis-list', 'redis-streams', 'nats-core', 'jetstream-sync', 'jetstream-async'];

describe('bench (quick mode)', () => {
  let report: BenchReport;
  // One run for every test below, in a hook: if it fails, its own error is what gets reported,
  // instead of every later test failing with a TypeError on an undefined report.
  beforeAll(async () => {
    report = await runBench({ ...QUICK, messages: 200, latencyMessages: 50, restartMessages: 20 });
  }, 60_000);

  it('runs every driver and delivers every message exactly once while nothing restarts', () => {
    expect(report.results.map((r) => r.driver)).toEqual(DRIVERS);
    for (const r of report.results) {
      expect(r, r.driver).toMatchObject({ messages: 250, received: 250, lost: 0, duplicates: 0 });
      expect(r.endToEndPerSec, r.driver).toBeGreaterThan(0);
      expect(r.p50Ms, r.driver).toBeLessThanOrEqual(r.p99Ms);
      expect(r.ofCeilingPct, r.driver).toBeGreaterThan(0);
    }
    for (const v of Object.values(report.ceilings)) expect(v).toBeGreaterThan(0);
  });

  it('shows polling latency: pg-poll picks up later than pg-notify', () => {
    const by = Object.fromEntries(report.results.map((r) => [r.driver, r]));
    // Polling every 100 ms when empty: a message waits on average tens of ms; NOTIFY wakes at once.
    expect(by['pg-poll'].p50Ms).toBeGreaterThan(by['pg-notify'].p50Ms);
  });

  it('observes what survives a restart: Postgres and JetStream keep all, Redis without persistence and core NATS keep none', () => {
    const kept = Object.fromEntries(report.restart.map((r) => [r.driver, r.keptAfterRestart]));
    expect(kept).toEqual({ 'pg-poll': 20, 'pg-notify': 20, 'redis-list': 0, 'redis-streams': 0, 'nats-core': 0, 'jetstream-sync': 20, 'jetstream-async': 20 });
  });

  it('draws a chart naming every driver', () => {
    const svg = renderChart(report.results, 'test');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const d of DRIVERS) expect(svg).toContain(`>${d}</text>`);
  });
});

describe('the bench command line', () => {
  it('prints usage and exits 2 on a bad flag', () => {
    let status = 0;
    let stderr = '';
    try {
      // A hang must not outlive the test: SIGKILL after 15 s (a usage error exits long before).
      execFileSync(process.execPath, ['--import', 'tsx', 'src/main.ts', '--bogus'], { cwd: new URL('..', import.meta.url), encoding: 'utf8', stdio: 'pipe', timeout: 15_000, killSignal: 'SIGKILL' });
    } catch (err) {
      ({ status, stderr } = err as { status: number; stderr: string });
    }
    expect(status).toBe(2);
    expect(stderr).toContain("Unknown option '--bogus'");
    expect(stderr).toContain('usage: pnpm --filter 11-bench start');
  });
});
