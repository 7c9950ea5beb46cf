// Asks many lesson programs for --help inside ONE Node process, because a Node + tsx start-up per
// program cost the suite more CPU than anything else it checked. Each program is imported with
// argv `<program> --help`; process.exit is replaced by a throw (so nothing after an exit runs, as in
// a real process) and stdout/stderr are captured. Prints one JSON array of results and exits.
// Run: node --import tsx tools/docs/help-probe.ts <lessonDir>::<program> ...
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface HelpResult {
  program: string;
  /** The exit code the program asked for, 'threw' when it crashed, 'hung' when it never exited. */
  code: number | 'threw' | 'hung';
  stdout: string;
  stderr: string;
}

class ExitCalled extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

const realExit = process.exit.bind(process);
const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);
let current: { settle(code: HelpResult['code']): void } | undefined;

process.exit = ((code?: number) => {
  current?.settle(code ?? 0);
  throw new ExitCalled(code ?? 0);
}) as typeof process.exit;
// runMain calls process.exit inside a promise callback: the throw surfaces here, and is expected.
process.on('unhandledRejection', (err) => {
  if (!(err instanceof ExitCalled)) current?.settle('threw');
});

async function probe(dir: string, program: string, timeoutMs: number): Promise<HelpResult> {
  let stdout = '';
  let stderr = '';
  let settle!: (code: HelpResult['code']) => void;
  const exited = new Promise<HelpResult['code']>((resolve) => (settle = resolve));
  let done = false;
  current = { settle: (code) => { if (!done) { done = true; settle(code); } } };
  process.chdir(dir);
  process.argv = [process.argv[0], path.join(dir, program), '--help'];
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  const timer = setTimeout(() => current?.settle('hung'), timeoutMs);
  try {
    await import(pathToFileURL(path.join(dir, program)).href);
  } catch (err) {
    if (!(err instanceof ExitCalled)) {
      stderr += `${(err as Error).message}\n`;
      current.settle('threw');
    }
  }
  const code = await exited;
  clearTimeout(timer);
  process.stdout.write = realOut;
  process.stderr.write = realErr;
  return { program: `${path.basename(dir)}/${program}`, code, stdout, stderr };
}

const results: HelpResult[] = [];
for (const arg of process.argv.slice(2)) {
  const [dir, program] = arg.split('::');
  results.push(await probe(dir, program, 5_000));
}
realOut(`${JSON.stringify(results)}\n`, () => realExit(0));
