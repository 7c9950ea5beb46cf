// README look blocks quote real code (CONTRIBUTING.md). This test fails when a quote drifts from its
// source region or points at a file or region that does not exist, naming the README, the block and
// the first differing line; the fixture proves the sync and the check on a lesson-shaped folder.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { programArgv } from '@mq/shared/services';
import { syncAll, syncLooks } from '../../tools/docs/look';

const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

describe('look blocks in the lesson READMEs', () => {
  it('every block matches its source region', () => {
    const { problems } = syncAll(root, { check: true });
    expect(problems.map((p) => `${p.readme}: look ${p.block} ${p.message}`), 'README look blocks out of step with the code').toEqual([]);
  });
});

describe('docs:sync on a fixture lesson', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mq-look-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const lesson = path.join(tmp, 'examples', '42-fixture');
  fs.mkdirSync(path.join(lesson, 'src'), { recursive: true });
  const worker = [
    '// header',
    'export async function loop(messages: AsyncIterable<{ ack(): void }>) {',
    '  // #region look-consume',
    '  for await (const msg of messages) {',
    '',
    '    msg.ack();',
    '  }',
    '  // #endregion look-consume',
    '}',
  ].join('\n');
  fs.writeFileSync(path.join(lesson, 'src/worker.ts'), worker);
  const readme = (body: string) => `# 42\n\nLook at the loop:\n\n<!-- look: src/worker.ts#consume -->\n${body}<!-- /look -->\n\n## Try\n`;
  const synced = '```ts\n// src/worker.ts:4-7\nfor await (const msg of messages) {\n\n  msg.ack();\n}\n```\n';

  it('writes the region as a ts fence with file:first-last and the common indentation removed', () => {
    fs.writeFileSync(path.join(lesson, 'README.md'), readme('stale\n'));
    const r = syncAll(tmp);
    expect(r).toEqual({ changed: ['examples/42-fixture/README.md'], problems: [], blocks: 1 });
    expect(fs.readFileSync(path.join(lesson, 'README.md'), 'utf8')).toBe(readme(synced));
    expect(syncAll(tmp, { check: true }).problems).toEqual([]);
  });

  it('names the README, the block and the first differing line when a quote drifts', () => {
    const drifted = synced.replace('  msg.ack();', '  msg.nak();');
    const r = syncLooks(path.join(lesson, 'README.md'), readme(drifted), { check: true, label: 'examples/42-fixture/README.md' });
    expect(r.problems).toEqual([{
      readme: 'examples/42-fixture/README.md',
      block: 'src/worker.ts#consume',
      message: 'differs from its source at README line 10: found "  msg.nak();", the source gives "  msg.ack();" (run pnpm docs:sync)',
    }]);
    const shifted = synced.replace('4-7', '5-8');
    expect(syncLooks(path.join(lesson, 'README.md'), readme(shifted), { check: true }).problems[0].message).toContain('line 7');
  });

  it('fails on a marker that points at a missing file or region, or a block never closed', () => {
    const check = (md: string) => syncLooks(path.join(lesson, 'README.md'), md, { check: true }).problems.map((p) => `${p.block}: ${p.message}`);
    expect(check('<!-- look: src/gone.ts#consume -->\n<!-- /look -->\n')).toEqual(['src/gone.ts#consume: points at a missing quote: src/gone.ts does not exist']);
    expect(check('<!-- look: src/worker.ts#nope -->\n<!-- /look -->\n')).toEqual([
      'src/worker.ts#nope: points at a missing quote: src/worker.ts has no "// #region look-nope"',
    ]);
    expect(check('<!-- look: src/worker.ts#consume -->\n')[0]).toContain('has no <!-- /look -->');
  });

  it('pnpm docs:sync --check exits 1 naming the drift, and the plain run fixes it', async () => {
    fs.writeFileSync(path.join(lesson, 'README.md'), readme('stale\n'));
    const env = { ...process.env, MQ_DOCS_ROOT: tmp };
    const cli = path.join(root, 'tools/docs-sync.ts');
    const failed = await run(process.execPath, [...programArgv(cli), '--check'], { env, cwd: root }).then(() => undefined, (e) => e);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('examples/42-fixture/README.md: look src/worker.ts#consume differs from its source at README line 6');
    expect(fs.readFileSync(path.join(lesson, 'README.md'), 'utf8'), '--check must not write').toBe(readme('stale\n'));
    const fixed = await run(process.execPath, programArgv(cli), { env, cwd: root });
    expect(fixed.stdout).toContain('rewrote examples/42-fixture/README.md');
    expect(fs.readFileSync(path.join(lesson, 'README.md'), 'utf8')).toBe(readme(synced));
  });
});
