// One check, run in its own process so the runner can enforce the time limit (and SIGKILL the whole
// process group, private servers included), and so nothing the learner's code does (process.exit,
// a stray rejection) can take the runner down. Talks to the parent over the IPC channel only:
// the learner's console output stays on stdout/stderr, where the runner shows it as it is.
//   argv: <check.ts> <file under test>
import { pathToFileURL } from 'node:url';
import { describeThrown, type Exercise, type Verdict } from '../../shared/src/workshop/index';

export type ChildMessage =
  | { type: 'log'; line: string }
  | { type: 'verdict'; verdict: Verdict }
  /** The check itself broke (threw, or answered something that is not a Verdict). */
  | { type: 'check-bug'; message: string }
  /** Something escaped while the check ran (an unawaited rejection, an uncaught throw). */
  | { type: 'escaped'; message: string };

function send(msg: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      console.log(JSON.stringify(msg));
      resolve();
      return;
    }
    process.send(msg, undefined, {}, () => resolve());
  });
}

const isNotWrittenYet = (err: unknown) => err instanceof Error && err.name === 'NotWrittenYet';

/** Where in the check it broke: the first stack frame in a check.ts, for the check's author. */
function where(err: unknown): string {
  const frame = err instanceof Error ? err.stack?.split('\n').find((l) => /check\.ts:\d+/.test(l)) : undefined;
  const m = frame?.match(/([^/\\(]+check\.ts:\d+)/);
  return m ? ` (at ${m[1]})` : '';
}

function isVerdict(v: unknown): v is Verdict {
  if (!v || typeof v !== 'object') return false;
  const r = v as { ok?: unknown; proved?: unknown; problems?: unknown };
  const strings = (xs: unknown) => Array.isArray(xs) && xs.every((x) => typeof x === 'string');
  if (r.ok === true) return strings(r.proved);
  if (r.ok === false) return strings(r.problems) && (r.problems as string[]).length > 0;
  return false;
}

async function finish(msg: ChildMessage): Promise<never> {
  await send(msg);
  process.exit(0);
}

const escaped = (err: unknown) =>
  void finish(
    isNotWrittenYet(err)
      ? { type: 'verdict', verdict: { ok: false, problems: [describeThrown(err)] } }
      : { type: 'escaped', message: describeThrown(err) },
  );
process.on('unhandledRejection', escaped);
process.on('uncaughtException', escaped);

async function main(): Promise<void> {
  const [checkPath, modulePath] = process.argv.slice(2);
  let exercise: Exercise | undefined;
  try {
    exercise = ((await import(pathToFileURL(checkPath).href)) as { default?: Exercise }).default;
  } catch (err) {
    await finish({ type: 'check-bug', message: `check.ts does not load: ${describeThrown(err).split('\n')[0]}` });
  }
  if (!exercise || typeof exercise.check !== 'function') await finish({ type: 'check-bug', message: 'check.ts has no default export from defineExercise' });
  try {
    const verdict = await exercise!.check({ modulePath, log: (line) => void send({ type: 'log', line }) });
    if (!isVerdict(verdict)) await finish({ type: 'check-bug', message: `the check answered ${JSON.stringify(verdict)}, which is not a Verdict` });
    await finish({ type: 'verdict', verdict });
  } catch (err) {
    // A stub's NotWrittenYet that the check let through is still the learner's answer, not a bug.
    if (isNotWrittenYet(err)) await finish({ type: 'verdict', verdict: { ok: false, problems: [describeThrown(err)] } });
    await finish({ type: 'check-bug', message: `${describeThrown(err)}${where(err)}` });
  }
}

void main();
