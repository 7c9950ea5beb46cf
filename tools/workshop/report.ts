// How an Outcome reads to a learner. A failed check and a broken check must never look alike: the
// first is the learner's next step, the second is the instructor's bug to fix.
import { durationText } from './io';
import { CHECK_TIME_LIMIT_MS, type Outcome } from './run-check';

export function outcomeLines(id: string, o: Outcome): string[] {
  const took = durationText(o.ms);
  switch (o.kind) {
    case 'verdict':
      return o.verdict.ok
        ? [`✔ ${id} passes (${took}). What your code proved:`, ...o.verdict.proved.map((p) => `  ✔ ${p}`)]
        : [`✘ ${id} does not pass yet (${took}):`, ...o.verdict.problems.map((p) => `  ✘ ${p}`)];
    case 'check-bug':
      return [
        `⚠ The check of ${id} broke: this is a bug in the check, not a verdict on your code.`,
        `  ${o.message}`,
        '  Tell your instructor (or open an issue) with this message.',
      ];
    case 'escaped':
      return [
        `✘ ${id}: an error escaped while the check ran, so it was stopped (${took}):`,
        `  ✘ ${o.message}`,
        '  Usually a promise nobody awaited, or a throw inside a callback, in the code under test.',
      ];
    case 'timeout':
      return [
        `✘ ${id}: the check did not finish within ${CHECK_TIME_LIMIT_MS / 1000} s, so it was stopped.`,
        '  Does the code wait for something that never comes (a fetch without a timeout, a loop that never ends)?',
      ];
    case 'died':
      return [`✘ ${id}: ${o.message}`];
  }
}

/** The problems of a not-ok verdict, or a one-line description of any other outcome. */
export function problemsOf(o: Outcome): string[] {
  if (o.kind === 'verdict') return o.verdict.ok ? [] : o.verdict.problems;
  return outcomeLines('', o).slice(0, 2).map((l) => l.trim());
}
