// Smoke test of the bench in quick mode: every driver runs against its raw twin and the report
// carries the ratio, nothing is lost or doubled, the restart check observes what each transport
// keeps, and every claim of the story's table gets a verdict. Not a performance assertion: speed
// claims live in the bench's output (and README), measured as ratios, never in a timed test.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { programArgv } from '@mq/shared/services';
import { QUICK, runBench, type BenchReport } from '../src/bench';
import { renderChart } from '../src/chart';
import { STORY_CLAIMS, storyVerdicts } from '../src/story-table';

const pkgDir = path.resolve(import.meta.dirname, '..');

const DRIVERS = ['pg-poll', 'pg-notify', 'redis-list', 'redis-streams', 'nats-core', 'jetstream-sync', 'jetstream-async', 'rabbitmq'];

describe('bench (quick mode)', () => {
  let report: BenchReport;
  // One run for every test below, in a hook: if it fails, its own error is what gets reported,
  // instead of every later test failing with a TypeError on an undefined report.
  beforeAll(async () => {
    report = await runBench({ ...QUICK, messages: 200, latencyMessages: 50, restartMessages: 20, rounds: 1 });
  }, 60_000);

  it('runs every driver and its raw twin, delivering every message exactly once while nothing restarts', () => {
    expect(report.drivers.map((d) => d.name)).toEqual(DRIVERS);
    for (const d of report.drivers) {
      const all = { received: d.messages, lost: 0, duplicates: 0 };
      expect({ received: d.received, lost: d.lost, duplicates: d.duplicates }, `${d.name}: driver runs`).toEqual(all);
      expect({ lost: d.rawLost, duplicates: d.rawDuplicates }, `${d.name}: raw twin`).toEqual({ lost: 0, duplicates: 0 });
    }
  });

  it('reports each driver as name, e2eRate, rawRate and ratioToRaw, the ratio being the two rates of the same run', () => {
    for (const d of report.drivers) {
      expect(Object.keys(d), d.name).toEqual(expect.arrayContaining(['name', 'e2eRate', 'rawRate', 'ratioToRaw']));
      expect(d.rounds, `${d.name}: one round`).toHaveLength(1);
      // The rates are reported rounded and the ratio from the unrounded ones: equal to 2 decimals, give or take one.
      expect(Math.abs(d.ratioToRaw - d.e2eRate / d.rawRate), `${d.name}: ratio ${d.ratioToRaw} vs ${d.e2eRate}/${d.rawRate}`).toBeLessThanOrEqual(0.006);
    }
    for (const m of report.workerModes) {
      expect(Math.abs(m.ratioToRaw - m.rate / m.rawRate), `${m.name}: ratio ${m.ratioToRaw} vs ${m.rate}/${m.rawRate}`).toBeLessThanOrEqual(0.006);
    }
    expect(report.workerModes.map((m) => m.rawName)).toEqual(['raw consume()+ack()', 'raw consume()+ackAck()', 'raw consume()+ack()']);
  });

  it('gives every number a methodology card and names each server version', () => {
    for (const d of report.drivers) expect(Object.keys(d.card), d.name).toEqual(['payload', 'storage', 'batchOrWindow', 'ack']);
    expect(report.machine.host).toMatch(/^client and servers on one host: \d+ cores/);
    expect(report.servers.nats).toMatch(/^nats-server \d+\.\d+\.\d+$/);
    expect(report.servers.rabbitmq).toMatch(/^rabbitmq-server \d+\.\d+\.\d+$/);
  });

  it('shows polling latency: pg-poll picks up later than pg-notify', () => {
    const by = Object.fromEntries(report.drivers.map((r) => [r.name, r]));
    // Polling every 100 ms when empty: a message waits on average tens of ms; NOTIFY wakes at once.
    expect(by['pg-poll'].p50Ms).toBeGreaterThan(by['pg-notify'].p50Ms);
  });

  it('observes what survives a restart, and leaves the shared RabbitMQ alone (its row is a claim)', () => {
    const kept = Object.fromEntries(report.restart.map((r) => [r.driver, r.keptAfterRestart]));
    expect(kept).toEqual({
      'pg-poll': 20,
      'pg-notify': 20,
      'redis-list': 0,
      'redis-streams': 0,
      'nats-core': 0,
      'jetstream-sync': 20,
      'jetstream-async': 20,
      rabbitmq: null,
    });
    expect(report.restart.find((r) => r.driver === 'rabbitmq')?.note).toMatch(/^a claim, not measured: quick mode uses the shared RabbitMQ/);
  });

  it("gives every system of the story's table a verdict, and Kafka's stays a claim", () => {
    const verdicts = storyVerdicts(report.drivers, report.restart);
    for (const { system } of STORY_CLAIMS) expect(verdicts.some((v) => v.claim.startsWith(system)), system).toBe(true);
    expect(verdicts.filter((v) => v.holds === null).map((v) => v.claim.split(' ')[0])).toEqual(['Kafka', 'RabbitMQ']);
  });

  it('draws a chart naming every driver', () => {
    const svg = renderChart(report.drivers, 'test');
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
      execFileSync(process.execPath, [...programArgv('src/main.ts', pkgDir), '--bogus'], {
        cwd: pkgDir,
        encoding: 'utf8',
        stdio: 'pipe',
        timeout: 15_000,
        killSignal: 'SIGKILL',
      });
    } catch (err) {
      ({ status, stderr } = err as { status: number; stderr: string });
    }
    expect(status).toBe(2);
    expect(stderr).toContain("Unknown option '--bogus'");
    expect(stderr).toContain('usage: pnpm --filter 11-bench start');
  });
});
