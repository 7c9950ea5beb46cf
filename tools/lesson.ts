// pnpm lesson <NN or part of a name> [script] [-- args]: `pnpm --filter` needs a lesson's full name
// and silently matches nothing on a partial one, so this resolves one lesson first (or says which
// lessons there are) and then runs its script (default: start) with pnpm.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export function listLessons(root: string): string[] {
  return fs.readdirSync(path.join(root, 'examples')).filter((d) => /^\d\d-/.test(d) && fs.existsSync(path.join(root, 'examples', d, 'package.json'))).sort();
}

/** The one lesson a query names: its number ("4", "04"), its full name, or a unique part of it. */
export function resolveLesson(query: string, lessons: string[]): { lesson: string } | { error: string } {
  const q = query.toLowerCase();
  const byNumber = /^\d{1,2}$/.test(q) ? lessons.filter((l) => l.startsWith(`${q.padStart(2, '0')}-`)) : [];
  const exact = lessons.filter((l) => l === q);
  const matches = byNumber.length ? byNumber : exact.length ? exact : lessons.filter((l) => l.includes(q));
  const list = `lessons: ${lessons.join(', ')}`;
  if (matches.length === 1) return { lesson: matches[0] };
  if (!matches.length) return { error: `no lesson matches "${query}"; ${list}` };
  return { error: `"${query}" matches ${matches.length} lessons (${matches.join(', ')}); name one of them` };
}

const USAGE = 'usage: pnpm lesson <NN or part of a name> [script] [-- args]   e.g. pnpm lesson 04, pnpm lesson fanout test, pnpm lesson dlq redrive';

async function main(): Promise<number> {
  const root = path.resolve(import.meta.dirname, '..');
  let argv = process.argv.slice(2);
  if (argv[0] === '--') argv = argv.slice(1);
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const rest = dash < 0 ? [] : argv.slice(dash + 1);
  if (own.includes('--help') || own.includes('-h')) {
    console.log(`${USAGE}\n\n${listLessons(root).join('\n')}`);
    return 0;
  }
  if (own.length < 1 || own.length > 2) {
    console.error(`${USAGE}\nlessons: ${listLessons(root).join(', ')}`);
    return 2;
  }
  const found = resolveLesson(own[0], listLessons(root));
  if ('error' in found) {
    console.error(found.error);
    return 2;
  }
  const script = own[1] ?? 'start';
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'examples', found.lesson, 'package.json'), 'utf8'));
  if (!pkg.scripts?.[script]) {
    console.error(`${found.lesson} has no script "${script}"; it has: ${Object.keys(pkg.scripts ?? {}).join(', ')}`);
    return 2;
  }
  console.error(`> pnpm --filter ${found.lesson} run ${script}${rest.length ? ` -- ${rest.join(' ')}` : ''}`);
  const child = spawn('pnpm', ['--filter', found.lesson, 'run', script, ...(rest.length ? ['--', ...rest] : [])], { stdio: 'inherit', cwd: root });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => {}); // the child gets the terminal's signal itself
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1))));
}

if (import.meta.url === `file://${process.argv[1]}`) void main().then((code) => process.exit(code));
