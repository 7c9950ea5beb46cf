// Every lesson prints the same way: a chapter banner, numbered steps, aligned tables and
// timelines, so a learner can read the output like the story it retells.

export type Cell = string | number | boolean | null | undefined;

export interface Output {
  chapter(id: string, title: string, design?: string): void;
  step(title: string): void;
  say(text: string): void;
  ok(text: string): void;
  bad(text: string): void;
  table(rows: Record<string, Cell>[], columns?: string[]): void;
  timeline(events: TimelineEvent[]): void;
  lines(): string[];
}

export interface TimelineEvent {
  /** Milliseconds since the start of the scene. */
  atMs: number;
  who: string;
  what: string;
}

export function createOutput(write: (line: string) => void = (l) => console.log(l)): Output {
  const captured: string[] = [];
  let stepNo = 0;
  const emit = (line = '') => {
    captured.push(line);
    write(line);
  };
  return {
    chapter(id, title, design) {
      const head = `${id}: ${title}`;
      emit('='.repeat(head.length));
      emit(head);
      emit('='.repeat(head.length));
      if (design) emit(`(DESIGN.md: ${design})`);
      stepNo = 0;
    },
    step(title) {
      stepNo += 1;
      emit('');
      emit(`Step ${stepNo}. ${title}`);
      emit('-'.repeat(`Step ${stepNo}. ${title}`.length));
    },
    say: (text) => text.split('\n').forEach((l) => emit(`  ${l}`)),
    ok: (text) => emit(`  ✔ ${text}`),
    bad: (text) => emit(`  ✘ ${text}`),
    table(rows, columns) {
      formatTable(rows, columns).forEach((l) => emit(`  ${l}`));
    },
    timeline(events) {
      formatTimeline(events).forEach((l) => emit(`  ${l}`));
    },
    lines: () => [...captured],
  };
}

export function formatTable(rows: Record<string, Cell>[], columns?: string[]): string[] {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const text = (c: Cell) => (c === undefined || c === null ? '' : String(c));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const isNum = cols.map((c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number' || r[c] === undefined));
  const line = (cells: string[]) =>
    cells.map((s, i) => (isNum[i] ? s.padStart(widths[i]) : s.padEnd(widths[i]))).join(' | ').trimEnd();
  return [line(cols), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map((r) => line(cols.map((c) => text(r[c]))))];
}

export function formatTimeline(events: TimelineEvent[]): string[] {
  const sorted = [...events].sort((a, b) => a.atMs - b.atMs);
  const whoWidth = Math.max(0, ...sorted.map((e) => e.who.length));
  return sorted.map((e) => `${`+${Math.round(e.atMs)} ms`.padStart(10)}  ${e.who.padEnd(whoWidth)}  ${e.what}`);
}

/** Milliseconds elapsed since `start` (from performance.now()), rounded for printing. */
export function ms(start: number, end = performance.now()): number {
  return Math.round(end - start);
}
