// One place decides how long the story's waits last. The story's values (AckWait 30 s,
// nak delay 30 s, 1 s polling, a 30 s SMTP timeout) would make a demo take minutes, so by
// default every wait is scaled down; `--real-timings` (or MQ_REAL_TIMINGS=1) restores them.

/** The story's own durations, in milliseconds. */
export const STORY = {
  ackWaitMs: 30_000,
  nakDelayMs: 30_000,
  pollIntervalMs: 1_000,
  smtpTimeoutMs: 30_000,
  brokerOutageMs: 30_000,
  duplicateWindowMs: 60_000,
  maxDeliver: 4,
} as const;

export type StoryTiming = keyof typeof STORY;

/** Scaled-down defaults that keep each demo under ~15 s while preserving the ratios that matter. */
export const SCALED: Record<StoryTiming, number> = {
  ackWaitMs: 1_000,
  nakDelayMs: 500,
  pollIntervalMs: 1_000,
  smtpTimeoutMs: 1_500,
  brokerOutageMs: 1_000,
  duplicateWindowMs: 60_000,
  maxDeliver: 4,
};

export function realTimingsRequested(argv: readonly string[] = process.argv, env = process.env): boolean {
  return argv.includes('--real-timings') || env.MQ_REAL_TIMINGS === '1';
}

export interface Timings {
  readonly real: boolean;
  get(name: StoryTiming): number;
  /** "1.0 s (story: 30 s)" for narration. */
  describe(name: StoryTiming): string;
}

export function timings(real = realTimingsRequested()): Timings {
  return {
    real,
    get: (name) => (real ? STORY[name] : SCALED[name]),
    describe: (name) => {
      const v = real ? STORY[name] : SCALED[name];
      return real || v === STORY[name] ? fmtMs(v) : `${fmtMs(v)} (story: ${fmtMs(STORY[name])}, scaled; --real-timings for the story's)`;
    },
  };
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}
