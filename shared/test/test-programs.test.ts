// The suite starts lesson programs from esbuild bundles (tools/test-programs.ts) instead of through
// tsx. That is only honest if a bundle is the program: the same output, the same idea of where its
// own files are, the same packages. And only fast if no program quietly falls back to tsx.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { programArgv } from '@mq/shared/services';
import { testPrograms } from '../../tools/test-programs';

const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const bundled = process.env.MQ_PROGRAM_BUNDLES !== undefined;

it('the bundles built, unless MQ_TEST_TSX=1 or watch mode asked for tsx', () => {
  expect(process.env.MQ_PROGRAM_BUNDLES_ERROR, 'why tools/test-programs.ts could not build the bundles').toBeUndefined();
});

describe.runIf(bundled)('programs the tests start, under pnpm test', () => {
  it('every program tools/test-programs.ts lists has its bundle, and one it does not list is refused, naming the list', () => {
    const viaTsx = testPrograms().filter((p) => programArgv(path.join(root, p)).includes('--import'));
    expect(viaTsx, 'programs a test would start through tsx').toEqual([]);
    expect(() => programArgv('tools/lesson.ts', root)).toThrow(`${path.join(root, 'tools/lesson.ts')} has no test bundle: add it to the list in tools/test-programs.ts`);
  });

  it('a bundle prints what the program prints through tsx', async () => {
    for (const program of ['examples/04-queue-groups/src/cli/worker.ts', 'tools/doctor.ts']) {
      const tsx = await run(process.execPath, ['--import', 'tsx', program, '--help'], { cwd: root });
      const bundle = await run(process.execPath, [...programArgv(program, root), '--help'], { cwd: root });
      expect(bundle.stdout, `${program} --help from its bundle`).toBe(tsx.stdout);
    }
  });

  it("keeps each module's own import.meta location and imports packages from the files tsx would load", () => {
    const manifest = JSON.parse(fs.readFileSync(process.env.MQ_PROGRAM_BUNDLES!, 'utf8')) as Record<string, string>;
    const spawnScript = path.join(root, 'examples/04-queue-groups/src/spawn-script.ts');
    const bundleDir = path.dirname(path.dirname(path.dirname(path.dirname(manifest[path.join(root, 'examples/04-queue-groups/src/main.ts')]))));
    const code = fs.readdirSync(bundleDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.mjs'))
      .map((f) => fs.readFileSync(path.join(bundleDir, f), 'utf8'))
      .join('\n');
    expect(code, "04's spawn-script finds its package from its own source location").toContain(JSON.stringify(pathToFileURL(spawnScript).href));
    expect(code, 'no module of ours is left asking for the bundle file location').not.toMatch(/import\.meta\.(url|dirname|filename)/);
    const jetstream = pathToFileURL(fs.realpathSync(path.join(root, 'shared/node_modules/@nats-io/jetstream'))).href;
    expect(code, 'the JetStream client is imported from its installed files, not copied in').toContain(jetstream);
  });
});
