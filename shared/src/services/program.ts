// How this repo starts one of its own TypeScript programs (a lesson's CLI or demo, a tool) as a new
// node process. The README's commands go through tsx; `node --import <tsx> <file>` is the same thing
// in one process, so a signal sent to the child's pid reaches the program itself (the tsx CLI would
// run it in a grandchild).
//
// `pnpm test` starts about 70 such children. tsx's loader costs each one ~0.18 s of start-up and as
// much again of CPU on its hooks thread, so tools/test-programs.ts (the suite's global set-up) builds
// each program once per run with esbuild, the transform tsx itself uses, and names the bundles in the
// manifest that MQ_PROGRAM_BUNDLES points at. A program that has no bundle there, or any program when
// MQ_TEST_TSX=1, runs through tsx exactly as a learner's command does.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let manifest: { file: string; bundles: Record<string, string> } | undefined;
const warned = new Set<string>();

function bundleFor(program: string): string | undefined {
  const file = process.env.MQ_PROGRAM_BUNDLES;
  if (!file || process.env.MQ_TEST_TSX === '1') return undefined;
  if (manifest?.file !== file) {
    try {
      manifest = { file, bundles: JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string> };
    } catch {
      return undefined; // the run that built them is over; tsx it is
    }
  }
  const bundle = manifest.bundles[program];
  if (bundle && fs.existsSync(bundle)) return bundle;
  if (!warned.has(program)) {
    warned.add(program);
    process.stderr.write(`[programArgv] no test bundle for ${program}: it runs through tsx (list it in tools/test-programs.ts)\n`);
  }
  return undefined;
}

/** The node arguments that run `program` (a .ts file; relative paths are taken from `cwd`). */
export function programArgv(program: string, cwd = process.cwd()): string[] {
  const file = path.resolve(cwd, program);
  const bundle = bundleFor(file);
  return bundle ? [bundle] : ['--import', TSX_LOADER, file];
}
