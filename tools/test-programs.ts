// The suite's global set-up: build every program the tests start as a child process (each lesson's
// src/main.ts and src/cli/*.ts, 02's crash-test workers, the repo tools) into one esbuild bundle
// each, once per `pnpm test`, and point MQ_PROGRAM_BUNDLES at their manifest. programArgv()
// (@mq/shared/services) then starts a child from its bundle in ~0.19 s instead of ~0.37 s through
// tsx's loader, which on this 2-core machine is about 8 s of the suite. Same source, same transform
// (tsx uses esbuild too); what differs is when it runs:
// - each module's import.meta.url / dirname / filename are written in as that source file's own,
//   so paths a program finds from its own location are the ones it finds under tsx;
// - packages stay outside the bundle, imported from where the source file's own import resolves,
//   so every client library is the very file tsx would load.
// `MQ_TEST_TSX=1 pnpm test` skips all this and starts every child through tsx's loader, as the READMEs do;
// watch mode does too, so an edited program is never run from a stale bundle.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import type { TestProject } from 'vitest/node';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Every program a test may start as a child, relative to the repo root. */
export function testPrograms(root = ROOT): string[] {
  const out: string[] = ['tools/doctor.ts', 'tools/reset.ts', 'tools/docs-sync.ts'];
  for (const lesson of fs.readdirSync(path.join(root, 'examples')).sort()) {
    const src = path.join('examples', lesson, 'src');
    if (fs.existsSync(path.join(root, src, 'main.ts'))) out.push(path.join(src, 'main.ts'));
    const cli = path.join(root, src, 'cli');
    if (fs.existsSync(cli)) for (const f of fs.readdirSync(cli).sort()) if (f.endsWith('.ts')) out.push(path.join(src, 'cli', f));
  }
  out.push('examples/02-redis-list/src/crashy-worker.ts', 'examples/02-redis-list/src/bench-aof.ts');
  return out;
}

/** Each module keeps its own import.meta location; packages are imported from where tsx would find them. */
const sameAsTsx: Plugin = {
  name: 'same-as-tsx',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = await fs.promises.readFile(args.path, 'utf8');
      const contents = source
        .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href))
        .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(path.dirname(args.path)))
        .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(args.path));
      // Anything else (import.meta.resolve, import.meta itself) would silently answer for the bundle.
      if (/\bimport\.meta\b/.test(contents)) {
        const text = `${path.relative(ROOT, args.path)} uses import.meta beyond .url/.dirname/.filename, which a bundle cannot keep`;
        return { errors: [{ text }] };
      }
      return { contents, loader: 'ts' };
    });
    b.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === sameAsTsx || args.path.startsWith('@mq/')) return undefined;
      if (args.path.startsWith('node:')) return { external: true };
      const { resolveDir, kind, importer } = args;
      const r = await b.resolve(args.path, { resolveDir, kind, importer, pluginData: sameAsTsx });
      if (r.errors.length > 0 || !r.path || r.external) return { external: true };
      return { path: pathToFileURL(r.path).href, external: true };
    });
  },
};

/** Build the bundles into `outDir`; returns the manifest (absolute source path -> absolute bundle path). */
export async function buildTestPrograms(outDir: string, root = ROOT): Promise<Record<string, string>> {
  const programs = testPrograms(root);
  await build({
    absWorkingDir: root,
    entryPoints: programs,
    outdir: outDir,
    outbase: root,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    mainFields: ['main'], // what node itself reads; 'module' would pick a different file than tsx gets
    conditions: [], // no 'module' condition either: node's own (node, import, default) remain
    keepNames: true, // as tsx does: a function's or class's .name survives renaming
    logLevel: 'error',
    plugins: [sameAsTsx],
  });
  return Object.fromEntries(programs.map((p) => [path.join(root, p), path.join(outDir, p.replace(/\.ts$/, '.mjs'))]));
}

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (process.env.MQ_TEST_TSX === '1' || project.vitest.config.watch) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mq-programs-'));
  const cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
  const manifest = path.join(dir, 'manifest.json');
  try {
    fs.writeFileSync(manifest, JSON.stringify(await buildTestPrograms(path.join(dir, 'bundles'))));
  } catch (err) {
    // A program that does not build must not fail every lesson's tests: they run through tsx, and
    // shared/test/test-programs.test.ts fails with the reason.
    const why = (err as Error).message;
    console.warn(`[test-programs] no bundles this run, every child starts through tsx: ${why}`);
    process.env.MQ_PROGRAM_BUNDLES_ERROR = why;
    cleanup();
    return undefined;
  }
  process.env.MQ_PROGRAM_BUNDLES = manifest;
  return cleanup;
}
