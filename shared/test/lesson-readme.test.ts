// The README rules the lesson contract enforces, checked on a fixture lesson that follows
// CONTRIBUTING.md (it must pass) and on copies broken one way each (each must be named).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lessonPrograms, lessonReadmeProblems } from '../../tools/docs/lesson-readme';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mq-readme-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const lessons = ['00-a', '01-b', '02-c'];
fs.writeFileSync(path.join(tmp, 'DESIGN.md'), lessons.map((l) => `<a id="${l}"></a>\n\n## ${l}\n`).join('\n'));

function readme(name: string, nav: string, opts: { time?: string; sections?: string[]; look?: boolean } = {}) {
  const sections = (opts.sections ?? ['Look', 'Try', 'Check', 'Run it']).map((s) => {
    const look = s === 'Look' && opts.look !== false ? 'Look at the loop:\n\n<!-- look: src/worker.ts#consume -->\n```ts\n```\n<!-- /look -->\n' : '';
    return `## ${s}\n\n${look}`;
  });
  return `# ${name}: a title\n\nWhat the chapter shows.\n\n${nav}\n\n${opts.time ?? '**Time:** about 20 minutes (10 reading, 10 for the exercise).'}\n\n${sections.join('\n')}`;
}
const navOf = (prev: string | undefined, name: string, next: string | undefined) =>
  [prev && `[← ${prev}](../${prev}/README.md)`, `[DESIGN.md: ${name.slice(0, 2)}](../../DESIGN.md#${name})`, next && `[${next} →](../${next}/README.md)`]
    .filter(Boolean).join(' · ');

function write(name: string, text: string) {
  fs.mkdirSync(path.join(tmp, 'examples', name, 'src/cli'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'examples', name, 'README.md'), text);
}
const check = (name: string, text: string) => {
  write(name, text);
  return lessonReadmeProblems(tmp, lessons, name);
};

describe('lesson README contract', () => {
  it('passes a README that follows CONTRIBUTING.md, first, middle and last', () => {
    write('00-a', readme('00-a', navOf(undefined, '00-a', '01-b')));
    write('02-c', readme('02-c', navOf('01-b', '02-c', undefined)));
    expect(check('01-b', readme('01-b', navOf('00-a', '01-b', '02-c')))).toEqual([]);
    expect(lessonReadmeProblems(tmp, lessons, '00-a')).toEqual([]);
    expect(lessonReadmeProblems(tmp, lessons, '02-c')).toEqual([]);
  });

  it('names each thing missing or wrong', () => {
    expect(check('01-b', readme('01-b', 'Story chapter: [DESIGN.md](../../DESIGN.md#01-b)'))[0]).toMatch(/^has no navigation line/);
    expect(check('01-b', readme('01-b', navOf('00-a', '01-b', '00-a')))).toEqual(['navigation line: the → link should be ../02-c/README.md']);
    expect(check('01-b', readme('01-b', navOf('00-a', '01-b', '02-c').replace('#01-b', '#01-x').replace('DESIGN.md#01-x)', 'DESIGN.md#01-x) [x](../../DESIGN.md#01-b)'))))
      .toEqual(['navigation line: ../../DESIGN.md has no anchor #01-x']);
    fs.rmSync(path.join(tmp, 'examples/02-c/README.md'));
    expect(check('01-b', readme('01-b', navOf('00-a', '01-b', '02-c')))).toEqual(['navigation line: ../02-c/README.md does not exist']);
    write('02-c', readme('02-c', navOf('01-b', '02-c', undefined)));
    expect(check('01-b', readme('01-b', navOf('00-a', '01-b', '02-c'), { time: 'Takes a while.' })))
      .toEqual(['has no "**Time:** about N minutes" line above its first section']);
    expect(check('01-b', readme('01-b', navOf('00-a', '01-b', '02-c'), { sections: ['Run it', 'Look', 'Try', 'Check'] })))
      .toEqual(['must open with ## Look, ## Try, ## Check (before "## Run it" and the rest); its sections start "## Run it", "## Look", "## Try"']);
    expect(check('01-b', readme('01-b', navOf('00-a', '01-b', '02-c'), { look: false })))
      .toEqual(['has no look block (<!-- look: src/<file>.ts#<name> --> ... <!-- /look -->)']);
  });

  it('lists src/main.ts and every src/cli/*.ts as programs whose --help must work', () => {
    const src = path.join(tmp, 'examples/01-b/src');
    for (const f of ['main.ts', 'cli/worker.ts', 'cli/publish.ts', 'cli/notes.md']) fs.writeFileSync(path.join(src, f), '');
    expect(lessonPrograms(tmp, '01-b')).toEqual(['src/main.ts', 'src/cli/publish.ts', 'src/cli/worker.ts']);
  });
});
