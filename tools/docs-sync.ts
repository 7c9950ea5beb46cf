// pnpm docs:sync [--check]: rewrite every lesson README's look blocks from the code they quote
// (CONTRIBUTING.md, "README: Look / Try / Check"). --check changes nothing and exits 1 on drift, for CI.
import path from 'node:path';
import { syncAll } from './docs/look';

const args = process.argv.slice(2).filter((a) => a !== '--');
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: pnpm docs:sync [--check]\n  rewrites README look blocks from their source regions; --check only reports drift (exit 1)');
  process.exit(0);
}
const unknown = args.filter((a) => a !== '--check');
if (unknown.length) {
  console.error(`docs:sync: unknown argument ${unknown.join(' ')} (usage: pnpm docs:sync [--check])`);
  process.exit(2);
}
const check = args.includes('--check');
const root = process.env.MQ_DOCS_ROOT ?? path.resolve(import.meta.dirname, '..');
const { changed, problems, blocks } = syncAll(root, { check });
for (const p of problems) console.error(`${p.readme}: look ${p.block} ${p.message}`);
if (!check) for (const f of changed) console.log(`rewrote ${f}`);
console.log(`${blocks} look block(s); ${check ? `${problems.length} problem(s)` : `${changed.length} README(s) rewritten, ${problems.length} problem(s)`}`);
process.exit(problems.length ? 1 : 0);
