// Runs many lesson programs one after another inside ONE Node process (through tsx, as learners run
// them), because a Node + tsx start-up per program cost the suite more CPU than anything else it
// checked: every program's --help, and every lesson's one sentence when its service does not answer.
// Each program is imported with its argv and environment; process.exit is replaced by a throw (so
// nothing after an exit runs, as in a real process) and stdout/stderr are captured. Prints one JSON
// array of results and exits.
// Run: node --import tsx tools/docs/program-probe.ts '<JSON array of ProbeRun>'
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ProbeRun {
  /** The lesson's folder (the working directory) and its program, e.g. src/main.ts. */
  dir: string;
  program: string;
  args: string[];
  /** Set for this run only, on top of the probe's own environment. */
  env?: Record<string, string>;
}

export interface ProbeResult {
  program: string;
  /**
   * The exit code the program asked for, 'threw' when it crashed, 'hung' when it never exited, and
   * 'not run' for every program after one that hung (its late exit would be blamed on the next).
   */
  code: number | 'threw' | 'hung' | 'not run';
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
let current: { settle(code: ProbeResult['code'], why?: string): void } | undefined;

process.exit = ((code?: number) => {
  current?.settle(code ?? 0);
  throw new ExitCalled(code ?? 0);
}) as typeof process.exit;
// runMain calls process.exit inside a promise callback: the throw surfaces here, and is expected.
process.on('unhandledRejection', (err) => {
  if (!(err instanceof ExitCalled)) current?.settle('threw', String((err as Error)?.stack ?? err));
});
// An exit or an error thrown from a timer or an event callback lands here instead of ending the probe.
process.on('uncaughtException', (err) => {
  if (!(err instanceof ExitCalled)) current?.settle('threw', String(err?.stack ?? err));
});

async function probe({ dir, program, args, env = {} }: ProbeRun, timeoutMs: number): Promise<ProbeResult> {
  let stdout = '';
  let stderr = '';
  let settle!: (code: ProbeResult['code']) => void;
  const exited = new Promise<ProbeResult['code']>((resolve) => (settle = resolve));
  let done = false;
  current = {
    settle: (code, why) => {
      if (done) return;
      done = true;
      if (why) stderr += `${why}\n`;
      settle(code);
    },
  };
  process.chdir(dir);
  process.argv = [process.argv[0], path.join(dir, program), ...args];
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  const timer = setTimeout(() => current?.settle('hung'), timeoutMs);
  try {
    await import(`${pathToFileURL(path.join(dir, program)).href}?run=${(runs += 1)}`); // a program asked twice runs twice
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
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return { program: `${path.basename(dir)}/${program}`, code, stdout, stderr };
}

let runs = 0;
const results: ProbeResult[] = [];
for (const run of JSON.parse(process.argv[2] ?? '[]') as ProbeRun[]) {
  const program = `${path.basename(run.dir)}/${run.program}`;
  const hung = results.find((r) => r.code === 'hung');
  results.push(hung ? { program, code: 'not run', stdout: '', stderr: `not run: ${hung.program} hung before it` } : await probe(run, 5_000));
}
realOut(`${JSON.stringify(results)}\n`, () => realExit(0));
