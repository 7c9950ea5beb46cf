// Lessons share the default servers (4222, 6379, 5432), so nothing one lesson creates may collide
// with another lesson's, or with a workshop worker left running. Every name a demo creates on a
// shared server comes from its scope: stream L03_ORDERS on subjects l03.order.*, Redis keys
// l02:..., databases l01_... . `pnpm reset` finds exactly these names (SCOPED_* below).
// The story's names (ORDERS, order.email) stay in the narration; `label()` says whose copy it is.
// In a class on one shared server, each learner sets MQ_LEARNER=<name>: the names gain that tag
// (L03_ANA_ORDERS, l03.ana.order.*, l02:ana:..., l01_ana_...), so two learners never collide.

export interface LessonScope {
  /** '03' for lesson 03, 'x03' for an exercise check of lesson 03. */
  readonly id: string;
  /** L03_ORDERS: a stream (or other JetStream name) owned by this lesson. */
  stream(storyName: string): string;
  /** l03.order.email: a subject inside this lesson's namespace. */
  subject(storySubject: string): string;
  /** l02:queue:email: a Redis key owned by this lesson. */
  key(storyKey: string): string;
  /** l01_tasks: a database (or schema) name prefix owned by this lesson. */
  readonly database: string;
  /** "ORDERS (lesson 03's copy: L03_ORDERS)": the story's name and the real one, for output. */
  label(storyName: string): string;
}

export function lessonScope(
  lesson: string,
  kind: 'lesson' | 'exercise' = 'lesson',
  learner: string | undefined = process.env.MQ_LEARNER,
): LessonScope {
  if (!/^\d\d$/.test(lesson)) throw new Error(`lesson must be two digits like "03", got "${lesson}"`);
  const who = learner?.trim().toLowerCase() || undefined;
  if (who !== undefined && !/^[a-z][a-z0-9]{0,15}$/.test(who)) {
    throw new Error(`MQ_LEARNER must be a short name of letters and digits (like "ana" or "team2"), got "${learner}"`);
  }
  const id = kind === 'exercise' ? `x${lesson}` : lesson;
  const lower = (kind === 'exercise' ? `x${lesson}` : `l${lesson}`) + (who ? `_${who}` : '');
  const upper = lower.toUpperCase();
  const owner = (kind === 'exercise' ? `exercise ${lesson}'s` : `lesson ${lesson}'s`) + (who ? ` (${who})` : '');
  return {
    id,
    stream: (name) => `${upper}_${name}`,
    subject: (s) => `${lower.replace('_', '.')}.${s}`,
    key: (k) => `${lower.replace('_', ':')}:${k}`,
    database: `${lower}_`,
    label: (name) => `${name} (${owner} copy: ${upper}_${name})`,
  };
}

/** What `pnpm reset` looks for: names that some lesson's or exercise's scope made. */
export const SCOPED_STREAM = /^[LX]\d\d_/;
export const SCOPED_KEY = /^[lx]\d\d:/;
export const SCOPED_DATABASE = /^[lx]\d\d_/;

/**
 * Run `cleanup` once when the demo ends, whether it returns, throws, or the learner presses Ctrl-C
 * (SIGINT) or something sends SIGTERM. A signal exits 130 / 143 after the cleanup; a second
 * Ctrl-C during cleanup exits at once. Returns `done()`, to call at the normal end.
 */
export function cleanupOnExit(cleanup: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  const run = () => (running ??= cleanup().catch((err) => console.error(`cleanup failed: ${(err as Error).message}`)));
  const onSignal = (signal: NodeJS.Signals) => {
    if (running) process.exit(signal === 'SIGINT' ? 130 : 143);
    console.error(`\n${signal}: cleaning up before exit...`);
    void run().then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await run();
  };
}

/**
 * The scoped-name patterns for one learner (MQ_LEARNER), or for every scope when no learner is
 * given: `pnpm reset` run by ana on the room's server removes ana's names and nobody else's.
 */
export function scopedNames(learner: string | undefined = process.env.MQ_LEARNER): { stream: RegExp; key: RegExp; database: RegExp } {
  const who = learner?.trim().toLowerCase();
  if (!who) return { stream: SCOPED_STREAM, key: SCOPED_KEY, database: SCOPED_DATABASE };
  if (!/^[a-z][a-z0-9]{0,15}$/.test(who)) throw new Error(`MQ_LEARNER must be a short name of letters and digits, got "${learner}"`);
  return {
    stream: new RegExp(`^[LX]\\d\\d_${who.toUpperCase()}_`),
    key: new RegExp(`^[lx]\\d\\d:${who}:`),
    database: new RegExp(`^[lx]\\d\\d_${who}_`),
  };
}
