// How this repo starts one of its own TypeScript programs (a lesson's CLI or demo, a tool) as a new
// node process. The README's commands go through tsx's loader; `node --import <tsx> <file>` is that
// loader in one process (the tsx CLI would run the program in a grandchild), so a signal sent to the
// child's pid reaches the program itself.
//
// `pnpm test` starts about 60 such children. tsx's loader costs each one ~0.18 s of start-up and as
// much again of CPU on its hooks thread, so tools/test-programs.ts (the suite's global set-up) builds
// each program once per run with esbuild, the transform tsx itself uses, and names the bundles in the
// manifest that MQ_PROGRAM_BUNDLES points at. With MQ_TEST_TSX=1 (or no manifest) every program
// runs through tsx.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

let tsxLoader: string | undefined;
let manifest: { file: string; bundles: Record<string, string> } | undefined;

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
  // Under the suite a program without a bundle is a gap in the list, and would quietly cost time.
  throw new Error(`${program} has no test bundle: add it to the list in tools/test-programs.ts (or run with MQ_TEST_TSX=1)`);
}

/** The node arguments that run `program` (a .ts file; relative paths are taken from `cwd`). */
export function programArgv(program: string, cwd = process.cwd()): string[] {
  const file = path.resolve(cwd, program);
  const bundle = bundleFor(file);
  if (bundle) return [bundle];
  tsxLoader ??= pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsxLoader, file];
}
