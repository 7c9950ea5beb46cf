// The lesson contract, checked for every package under examples/: runnable by name, documented,
// tested, linked from DESIGN.md; its README opens with navigation, time, Look / Try / Check and a
// quote of real code (CONTRIBUTING.md); every program it ships answers --help; and a lesson whose
// service is unreachable says so in one sentence and exits non-zero instead of hanging or printing
// a stack trace.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { programArgv } from '@mq/shared/services';
import { lessonPrograms, lessonReadmeProblems } from '../../tools/docs/lesson-readme';

const root = path.resolve(import.meta.dirname, '../..');
const lessons = fs.readdirSync(path.join(root, 'examples')).filter((d) => /^\d\d-/.test(d)).sort();
const design = fs.readFileSync(path.join(root, 'DESIGN.md'), 'utf8');
const run = promisify(execFile);

describe.each(lessons)('%s', (name) => {
  const dir = path.join(root, 'examples', name);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));

  it('is a package named after its folder, with start and test scripts', () => {
    expect(pkg.name).toBe(name);
    expect(pkg.scripts.start).toMatch(/^(tsx|node --import tsx) src\//);
    expect(pkg.scripts.test).toBe('vitest run');
    expect(fs.existsSync(path.join(dir, 'src/main.ts'))).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'test')).some((f) => f.endsWith('.test.ts'))).toBe(true);
  });

  it('has a README with how to run it and sample output, and DESIGN.md links it', () => {
    const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toContain(`pnpm --filter ${name}`);
    expect(readme).toMatch(/DESIGN\.md/);
    expect(readme.match(/```/g)?.length ?? 0).toBeGreaterThanOrEqual(4);
    expect(design).toContain(`examples/${name}`);
  });

  it('README opens with navigation, **Time:**, ## Look / ## Try / ## Check and a look block', () => {
    expect(lessonReadmeProblems(root, lessons, name), `examples/${name}/README.md`).toEqual([]);
  });
});

describe('--help', () => {
  const programs = lessons.flatMap((l) => lessonPrograms(root, l).map((p) => ({ lesson: l, program: p })));

  it('prints usage on stdout and exits 0 for every src/main.ts and src/cli/*.ts', async () => {
    // All programs in one Node process (tools/docs/help-probe.ts): a start-up per program was the
    // suite's largest CPU cost. 04's own test still runs its three programs as real processes.
    const args = programs.map((p) => `${path.join(root, 'examples', p.lesson)}::${p.program}`);
    const probe = path.join(root, 'tools/docs/help-probe.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', probe, ...args], { cwd: root, timeout: 60_000, maxBuffer: 8 << 20 });
    const results = JSON.parse(stdout.trim().split('\n').pop()!) as { program: string; code: number | string; stdout: string; stderr: string }[];
    expect(results.map((r) => r.program), 'every program was asked').toHaveLength(programs.length);
    const failures = results.flatMap((r) => {
      if (r.code !== 0) return [`${r.program}: exit ${r.code}: ${r.stderr.trim().split('\n')[0] ?? ''}`];
      return /usage/i.test(r.stdout) ? [] : [`${r.program}: no usage on stdout`];
    });
    expect(failures, 'programs whose --help fails').toEqual([]);
  }, 90_000);
});

// Lessons that find a shared service (the others always start private servers they own).
const SERVICE_LESSONS: [lesson: string, envVar: string, script: string][] = [
  ['01-db-queue', 'DATABASE_URL', 'src/main.ts'],
  ['02-redis-list', 'REDIS_URL', 'src/main.ts'],
  ['03-jetstream', 'NATS_URL', 'src/main.ts'],
  ['04-queue-groups', 'NATS_URL', 'src/main.ts'],
  ['05-fanout-vs-queue', 'NATS_URL', 'src/main.ts'],
  ['06-partitioning', 'NATS_URL', 'src/main.ts'],
  ['07-dlq', 'NATS_URL', 'src/main.ts'],
  ['09-http-api', 'NATS_URL', 'src/main.ts'],
];
const DEAD: Record<string, string> = { NATS_URL: 'nats://127.0.0.1:1', REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres' };

describe('a lesson whose service does not answer', () => {
  it('covers lessons that exist (a renamed lesson must not drop out silently)', () => {
    for (const [l] of SERVICE_LESSONS) expect(lessons).toContain(l);
  });

  it.each(SERVICE_LESSONS)('%s names %s and the fix in one sentence, exit 1', async (lesson, envVar, script) => {
    const env = { ...process.env, [envVar]: DEAD[envVar] };
    const err = await run(process.execPath, programArgv(script, path.join(root, 'examples', lesson)), { cwd: path.join(root, 'examples', lesson), env, timeout: 20_000 }).then(
      () => undefined,
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    expect(err, 'the lesson should fail').toBeDefined();
    expect(err!.code).toBe(1);
    const lines = err!.stderr.trim().split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(DEAD[envVar]);
    expect(lines[0]).toContain('docker compose up -d');
  });
});
