// The workshop's contract: what an exercise is, and what its check answers. One exercise lives in
// examples/NN-name/exercises/<id>/ (see CONTRIBUTING.md, "Exercises"); `pnpm verify <id>` imports
// its check.ts and runs it against the learner's file, the reference solution, or a wrong one.
import { pathToFileURL } from 'node:url';

export interface Exercise {
  /** Globally unique, starts with the lesson number: '03-ack-decision'. */
  id: string;
  /** One line: 'Decide ack, nak with a delay, or term'. */
  title: string;
  /** Minutes a learner typically needs, for the instructor's plan. */
  minutes: number;
  /** One or two sentences: what the learner's code must achieve, in the chapter's words. */
  goal: string;
  /** What the check does to the code (the faults it injects), shown before it runs. */
  checks: string[];
  /**
   * True when the check uses only private servers (or no server at all), so several runs of it may
   * overlap: `pnpm verify --solutions` then runs its solution, stub and wrong files side by side.
   * Leave it out when the check uses an exercise scope on the shared servers.
   */
  isolated?: boolean;
  /**
   * Judge an implementation. `ctx.modulePath` is the absolute path of the file under test
   * (exercise.ts, solution.ts or a wrong-*.ts); import it, or spawn it in a child process when
   * the check must SIGKILL it. Never write to it.
   */
  check(ctx: CheckContext): Promise<Verdict>;
}

export interface CheckContext {
  /** Absolute path of the implementation under test. */
  modulePath: string;
  /** A line of progress for the learner ("publishing 20 orders..."). */
  log(line: string): void;
}

/**
 * ok: every promise held, with what was proved in numbers.
 * not ok: each problem is one sentence in the learner's language, naming the item and the
 * chapter's promise it breaks: "ORD-0007 was processed twice: worker 2 got it after worker 1's
 * AckWait ran out". Never a stack trace.
 */
export type Verdict = { ok: true; proved: string[] } | { ok: false; problems: string[] };

/** Identity helper that gives check.ts files their type. */
export function defineExercise(exercise: Exercise): Exercise {
  return exercise;
}

/** What a stub throws until the learner writes the code; checks report it as "not written yet". */
export class NotWrittenYet extends Error {
  override name = 'NotWrittenYet';
  constructor(what: string) {
    super(`TODO: ${what} (not written yet)`);
  }
}

/** Turn whatever the learner's code threw into one sentence (no stack). */
export function describeThrown(err: unknown): string {
  if (err instanceof NotWrittenYet || (err instanceof Error && err.name === 'NotWrittenYet')) return err.message;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * Import the file under test and pick the exports a check needs. A file that does not load or
 * lacks an export is the learner's problem, answered as a Verdict: `if (!m.ok) return m;`.
 */
export async function importUnderTest<T>(
  modulePath: string,
  exports: readonly (keyof T & string)[],
): Promise<{ ok: true; module: T } | { ok: false; problems: string[] }> {
  const file = modulePath.split(/[\\/]/).pop();
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (err) {
    return { ok: false, problems: [`${file} does not load: ${loadError(err)}`] };
  }
  const missing = exports.filter((name) => typeof mod[name] !== 'function');
  if (missing.length) return { ok: false, problems: [`${file} must export the function${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`] };
  return { ok: true, module: mod as T };
}

/**
 * Why a file does not load, in one line: the compiler's own line (`exercise.ts:3:0: ERROR: Expected
 * "}"...` from tsx, `[PARSE_ERROR] Expected ...` from vitest's transformer) rather than its banner.
 */
function loadError(err: unknown): string {
  // eslint-disable-next-line no-control-regex
  const lines = describeThrown(err).replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter(Boolean);
  const compiler = lines.find((l) => /ERROR\]?:?/.test(l) && !/^Transform failed/.test(l));
  return (compiler ?? lines[0] ?? 'unknown error').replace(/^.*[\\/]([^\\/]+\.ts:\d+:\d+:)/, '$1');
}

/**
 * A string as a learner can read it in a sentence: every character outside printable ASCII as
 * \uXXXX, and a long one cut after `max` characters with its length.
 */
export function escapeForDisplay(s: string, max = 80): string {
  let out = '';
  const shown = Math.min(s.length, max);
  for (let i = 0; i < shown; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) out += '\\\\';
    else if (c === 0x27) out += "\\'";
    else if (c >= 0x20 && c < 0x7f) out += s[i];
    else out += `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return shown < s.length ? `'${out}…' (${s.length} characters)` : `'${out}'`;
}

export { HistoryRecorder, checkHistory, classifyPublishError, findingSentences } from './history';
export type {
  AckedEvent,
  Finding,
  FindingKind,
  HistoryCheck,
  HistoryCheckOptions,
  HistoryEvent,
  ProcessedEvent,
  PublishEvent,
  PublishHandle,
  PublishOutcome,
} from './history';
