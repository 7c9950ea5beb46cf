// Mermaid blocks in the docs, checked with mermaid's own parser so no broken diagram ships.
// mermaid.parse() runs in Node once a DOM exists for DOMPurify (which mermaid loads at import),
// so a happy-dom window is installed before mermaid is imported. No browser, no network.

export interface MermaidBlock {
  /** 1-based line of the opening ```mermaid fence. */
  line: number;
  /** The chapter heading (## ...) the block sits under, or '' before the first one. */
  section: string;
  source: string;
}

/** Every ```mermaid fenced block of a markdown text, with where it is. */
export function mermaidBlocks(markdown: string): MermaidBlock[] {
  const lines = markdown.split('\n');
  const blocks: MermaidBlock[] = [];
  let section = '';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^## (.*)/.exec(lines[i]);
    if (heading) section = heading[1].trim();
    if (!/^```mermaid\s*$/.test(lines[i])) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ line: start + 1, section, source: body.join('\n') });
  }
  return blocks;
}

type Parse = (text: string) => Promise<unknown>;
let parser: Promise<Parse> | undefined;

async function loadParser(): Promise<Parse> {
  const { Window } = await import('happy-dom');
  const g = globalThis as Record<string, unknown>;
  if (!g.window) {
    const win = new Window();
    g.window = win;
    g.document = win.document;
  }
  const { default: mermaid } = await import('mermaid');
  return (text) => mermaid.parse(text);
}

/** undefined if mermaid parses the diagram, else mermaid's own message. */
export async function mermaidError(source: string): Promise<string | undefined> {
  const parse = await (parser ??= loadParser());
  try {
    await parse(source);
    return undefined;
  } catch (err) {
    return (err as Error).message ?? String(err);
  }
}
