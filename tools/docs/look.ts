// Look blocks: a README quotes real code between `<!-- look: <path>#<name> -->` and `<!-- /look -->`,
// copied from the source region `// #region look-<name>` ... `// #endregion look-<name>` (path relative
// to the README's folder). `pnpm docs:sync` rewrites the blocks; the test and `--check` report drift.
import fs from 'node:fs';
import path from 'node:path';

export interface LookProblem {
  readme: string;
  /** `<path>#<name>` as written in the marker. */
  block: string;
  message: string;
}

export interface LookResult {
  /** The README with every block rewritten from its source (unchanged where a block has a problem). */
  content: string;
  /** How many look blocks the README has. */
  blocks: number;
  /** Blocks whose source is missing, and (with `check`) blocks that differ from their source. */
  problems: LookProblem[];
}

const OPEN = /^<!-- look: (\S+?)#([\w-]+) -->\s*$/;
const CLOSE = /^<!-- \/look -->\s*$/;

/** The fenced quote a block must hold, or a sentence saying why it cannot be made. */
export function renderLook(readmeDir: string, file: string, name: string): { lines: string[] } | { error: string } {
  const source = path.join(readmeDir, file);
  if (!fs.existsSync(source)) return { error: `${file} does not exist` };
  const lines = fs.readFileSync(source, 'utf8').split('\n');
  const begin = lines.findIndex((l) => l.trim() === `// #region look-${name}`);
  if (begin < 0) return { error: `${file} has no "// #region look-${name}"` };
  const end = lines.findIndex((l, i) => i > begin && l.trim() === `// #endregion look-${name}`);
  if (end < 0) return { error: `${file} opens region look-${name} on line ${begin + 1} and never closes it` };
  if (end === begin + 1) return { error: `${file} region look-${name} is empty` };
  const body = lines.slice(begin + 1, end);
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  const dedented = body.map((l) => (l.trim() ? l.slice(indent) : '').trimEnd());
  return { lines: ['```ts', `// ${file}:${begin + 2}-${end}`, ...dedented, '```'] };
}

/** Rewrite (or, with check, compare) every look block of one README. */
export function syncLooks(readmePath: string, content: string, opts: { check?: boolean; label?: string } = {}): LookResult {
  const readme = opts.label ?? readmePath;
  const dir = path.dirname(readmePath);
  const lines = content.split('\n');
  const out: string[] = [];
  const problems: LookProblem[] = [];
  let blocks = 0;
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]);
    const open = OPEN.exec(lines[i]);
    if (!open) continue;
    blocks++;
    const block = `${open[1]}#${open[2]}`;
    const close = lines.findIndex((l, j) => j > i && (CLOSE.test(l) || OPEN.test(l)));
    if (close < 0 || !CLOSE.test(lines[close])) {
      problems.push({ readme, block, message: `the block opened on line ${i + 1} has no <!-- /look --> before the next block or the end` });
      continue;
    }
    const current = lines.slice(i + 1, close);
    const wanted = renderLook(dir, open[1], open[2]);
    if ('error' in wanted) {
      problems.push({ readme, block, message: `points at a missing quote: ${wanted.error}` });
      out.push(...current);
    } else {
      if (opts.check) {
        const at = firstDifference(current, wanted.lines);
        if (at >= 0) {
          const found = at < current.length ? JSON.stringify(current[at]) : 'nothing';
          const expected = at < wanted.lines.length ? JSON.stringify(wanted.lines[at]) : 'nothing';
          problems.push({
            readme,
            block,
            message: `differs from its source at README line ${i + 2 + at}: found ${found}, the source gives ${expected} (run pnpm docs:sync)`,
          });
        }
      }
      out.push(...wanted.lines);
    }
    out.push(lines[close]);
    i = close;
  }
  return { content: out.join('\n'), blocks, problems };
}

function firstDifference(a: string[], b: string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** The READMEs that may hold look blocks: every lesson's README and its exercises' READMEs. */
export function lessonReadmes(root: string): string[] {
  const examples = path.join(root, 'examples');
  if (!fs.existsSync(examples)) return [];
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'README.md') found.push(p);
    }
  };
  for (const d of fs.readdirSync(examples).filter((d) => /^\d\d-/.test(d)).sort()) walk(path.join(examples, d));
  return found;
}

/** Sync or check every lesson README under root. Writes only when not checking and something changed. */
export function syncAll(root: string, opts: { check?: boolean } = {}): { changed: string[]; problems: LookProblem[]; blocks: number } {
  const changed: string[] = [];
  const problems: LookProblem[] = [];
  let blocks = 0;
  for (const file of lessonReadmes(root)) {
    const before = fs.readFileSync(file, 'utf8');
    const label = path.relative(root, file);
    const r = syncLooks(file, before, { check: opts.check, label });
    blocks += r.blocks;
    problems.push(...r.problems);
    if (r.content !== before) {
      changed.push(label);
      if (!opts.check) fs.writeFileSync(file, r.content);
    }
  }
  return { changed, problems, blocks };
}
