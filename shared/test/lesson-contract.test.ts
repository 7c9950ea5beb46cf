// The lesson contract, checked for every package under examples/: runnable by name, documented,
// tested, linked from DESIGN.md; its README opens with navigation, time, Look / Try / Check and a
// quote of real code (CONTRIBUTING.md); every program it ships answers --help; and a lesson whose
// service is unreachable says so in one sentence and exits non-zero instead of hanging or printing
// a stack trace.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProbeResult, ProbeRun } from '../../tools/docs/program-probe';
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

// Every program's --help and every service lesson's dead-service run, in ONE Node process through tsx
// (tools/docs/program-probe.ts): a start-up per program was the suite's largest CPU cost. 04's own
// test still runs its programs as real processes.
const programs = lessons.flatMap((l) => lessonPrograms(root, l).map((p) => ({ lesson: l, program: p })));

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

let help: ProbeResult[];
let dead: ProbeResult[];
beforeAll(async () => {
  const helpRuns: ProbeRun[] = programs.map((p) => ({ dir: path.join(root, 'examples', p.lesson), program: p.program, args: ['--help'] }));
  const deadRuns: ProbeRun[] = SERVICE_LESSONS.map(([lesson, envVar, program]) => ({
    dir: path.join(root, 'examples', lesson),
    program,
    args: [],
    env: { [envVar]: DEAD[envVar] },
  }));
  const probe = path.join(root, 'tools/docs/program-probe.ts');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', probe, JSON.stringify([...helpRuns, ...deadRuns])], {
    cwd: root,
    timeout: 80_000,
    maxBuffer: 8 << 20,
  });
  const results = JSON.parse(stdout.trim().split('\n').pop()!) as ProbeResult[];
  help = results.slice(0, helpRuns.length);
  dead = results.slice(helpRuns.length);
}, 90_000);

describe('--help', () => {
  it('prints usage on stdout and exits 0 for every src/main.ts and src/cli/*.ts', () => {
    expect(help.map((r) => r.program), 'every program was asked').toHaveLength(programs.length);
    const failures = help.flatMap((r) => {
      if (r.code !== 0) return [`${r.program}: exit ${r.code}: ${r.stderr.trim().split('\n')[0] ?? ''}`];
      return /usage/i.test(r.stdout) ? [] : [`${r.program}: no usage on stdout`];
    });
    expect(failures, 'programs whose --help fails').toEqual([]);
  });
});

describe('a lesson whose service does not answer', () => {
  it('covers lessons that exist (a renamed lesson must not drop out silently)', () => {
    for (const [l] of SERVICE_LESSONS) expect(lessons).toContain(l);
  });

  it.each(SERVICE_LESSONS.map((l, i) => [...l, i] as const))('%s names %s and the fix in one sentence, exit 1', (lesson, envVar, _script, i) => {
    const r = dead[i];
    expect(r.program).toBe(`${lesson}/src/main.ts`);
    expect(r.code, `${lesson}'s exit code with ${envVar}=${DEAD[envVar]}; it said: ${r.stderr}`).toBe(1);
    const lines = r.stderr.trim().split('\n').filter(Boolean);
    expect(lines, `${lesson}'s stderr`).toHaveLength(1);
    expect(lines[0]).toContain(DEAD[envVar]);
    expect(lines[0]).toContain('docker compose up -d');
  });
});
