// Every ```mermaid block in the docs must parse with mermaid's own parser (a broken diagram renders
// as an error box on GitHub), and every chapter of DESIGN.md must have at least one diagram.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mermaidBlocks, mermaidError } from '../../tools/docs/mermaid';

const root = path.resolve(import.meta.dirname, '../..');
const lessons = fs.readdirSync(path.join(root, 'examples')).filter((d) => /^\d\d-/.test(d)).sort();
const docs = ['DESIGN.md', 'README.md', 'WORKSHOP.md', 'CONTRIBUTING.md', ...lessons.map((l) => `examples/${l}/README.md`)]
  .filter((f) => fs.existsSync(path.join(root, f)));
const design = fs.readFileSync(path.join(root, 'DESIGN.md'), 'utf8');

describe('mermaid diagrams', () => {
  it('every chapter of DESIGN.md has a diagram', () => {
    const sections = new Set(mermaidBlocks(design).map((b) => b.section.split(':')[0]));
    const without = lessons.filter((l) => !sections.has(l) && fs.existsSync(path.join(root, 'examples', l, 'src/main.ts')));
    expect(without, 'DESIGN.md chapters with no ```mermaid block').toEqual([]);
  });

  it('every block in the docs parses', async () => {
    const broken: string[] = [];
    for (const file of docs) {
      for (const block of mermaidBlocks(fs.readFileSync(path.join(root, file), 'utf8'))) {
        const error = await mermaidError(block.source);
        if (error) broken.push(`${file}:${block.line} (${block.section}): ${error.split('\n').slice(0, 4).join(' | ')}`);
      }
    }
    expect(broken, 'diagrams mermaid cannot parse').toEqual([]);
  });

  it('the check catches a broken diagram (a missing node, an unclosed shape)', async () => {
    const md = '## 99-x: y\n\n```mermaid\nsequenceDiagram\n    A->>: hi\n```\n\n```mermaid\nflowchart LR\n    A[x] --> B{y\n```\n';
    const blocks = mermaidBlocks(md);
    expect(blocks.map((b) => [b.line, b.section])).toEqual([[3, '99-x: y'], [8, '99-x: y']]);
    expect(await mermaidError(blocks[0].source)).toMatch(/Parse error on line 2/);
    expect(await mermaidError(blocks[1].source)).toMatch(/Parse error on line 3/);
    expect(await mermaidError('flowchart LR\n    A[x] --> B{y}')).toBeUndefined();
  });
});
