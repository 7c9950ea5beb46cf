// The top of a lesson README (CONTRIBUTING.md, "README: Look / Try / Check"): a navigation line to the
// previous lesson, the chapter and the next lesson, a **Time:** line, then ## Look, ## Try and ## Check
// before any other section, and at least one look block. Returns one sentence per thing missing.
import fs from 'node:fs';
import path from 'node:path';

const LINK = /\[([^\]]*)\]\(([^)\s]+)\)/g;

export function lessonReadmeProblems(root: string, lessons: string[], name: string): string[] {
  const dir = path.join(root, 'examples', name);
  const readmePath = path.join(dir, 'README.md');
  if (!fs.existsSync(readmePath)) return ['has no README.md'];
  const readme = fs.readFileSync(readmePath, 'utf8');
  const lines = readme.split('\n');
  const problems: string[] = [];
  const firstSection = lines.findIndex((l) => /^## /.test(l));
  const top = lines.slice(0, firstSection < 0 ? lines.length : firstSection);

  const i = lessons.indexOf(name);
  const prev = i > 0 ? lessons[i - 1] : undefined;
  const next = i >= 0 && i < lessons.length - 1 ? lessons[i + 1] : undefined;
  const nav = top.find((l) => l.includes(`DESIGN.md#${name})`) && (l.includes('←') || l.includes('→')));
  if (!nav) {
    problems.push(`has no navigation line above its first section ([← prev](...) · [DESIGN.md: NN](../../DESIGN.md#${name}) · [next →](...))`);
  } else {
    const links = [...nav.matchAll(LINK)].map((m) => ({ text: m[1], target: m[2] }));
    for (const [want, arrow] of [[prev, '←'], [next, '→']] as const) {
      const link = links.find((l) => l.text.includes(arrow));
      if (want && link?.target !== `../${want}/README.md`) problems.push(`navigation line: the ${arrow} link should be ../${want}/README.md`);
      if (!want && link && link.target !== '../../README.md') {
        problems.push(`navigation line: ${arrow} link ${link.target} but there is no lesson that way (the ends may link ../../README.md)`);
      }
    }
    for (const { target } of links) {
      const [file, anchor] = target.split('#');
      const abs = path.resolve(dir, file);
      if (!fs.existsSync(abs)) {
        problems.push(`navigation line: ${target} does not exist`);
      } else if (anchor && !fs.readFileSync(abs, 'utf8').includes(`id="${anchor}"`)) {
        problems.push(`navigation line: ${file} has no anchor #${anchor}`);
      }
    }
  }
  if (!top.some((l) => /^\*\*Time:\*\* .*\d+ minutes/.test(l))) problems.push('has no "**Time:** about N minutes" line above its first section');

  const sections = lines.filter((l) => /^## /.test(l)).map((l) => l.slice(3).trim());
  const [a, b, c] = sections;
  if (a !== 'Look' || b !== 'Try' || c !== 'Check') {
    problems.push(`must open with ## Look, ## Try, ## Check (before "## Run it" and the rest); its sections start ${sections.slice(0, 3).map((s) => `"## ${s}"`).join(', ') || '(none)'}`);
  }
  if (!/^<!-- look: \S+#[\w-]+ -->$/m.test(readme)) problems.push('has no look block (<!-- look: src/<file>.ts#<name> --> ... <!-- /look -->)');
  return problems;
}

/** The programs whose --help must print usage and exit 0: src/main.ts and every src/cli/*.ts. */
export function lessonPrograms(root: string, name: string): string[] {
  const dir = path.join(root, 'examples', name);
  const cli = path.join(dir, 'src/cli');
  const programs = fs.existsSync(path.join(dir, 'src/main.ts')) ? ['src/main.ts'] : [];
  if (fs.existsSync(cli)) programs.push(...fs.readdirSync(cli).filter((f) => f.endsWith('.ts')).sort().map((f) => `src/cli/${f}`));
  return programs;
}
