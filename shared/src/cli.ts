// Flag parsing for lesson scripts: node's own parseArgs, plus a usage message and exit code 2
// on anything it does not understand, so a typo never silently runs the wrong experiment.
// --help / -h prints the usage on stdout and exits 0: asking for help is not an error.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;

export class UsageError extends Error {}

/** Thrown for --help: runMain prints the usage on stdout and exits 0. */
export class HelpRequested extends UsageError {}

/** Parse argv; throws UsageError with the usage text on unknown or malformed flags. */
export function parseFlags<O extends Options>(usage: string, options: O, argv: string[] = process.argv.slice(2)) {
  // pnpm passes a literal "--" through when users type `pnpm start -- --flag`, and it lands after
  // any flags the script itself sets (`tsx src/main.ts --full -- --messages 10`); drop it.
  const args = argv.filter((a) => a !== '--');
  try {
    const { values } = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
    if ((values as { help?: boolean }).help) throw new HelpRequested(usage);
    return values as ReturnType<typeof parseArgs<{ options: O }>>['values'];
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${(err as Error).message}\n\n${usage}`);
  }
}

/** Parse an integer flag, with bounds, or throw UsageError naming the flag. */
export function intFlag(
  name: string,
  raw: string | undefined,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
  usage?: string,
): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer between ${min} and ${max}, got "${raw}"${usage ? `\n\n${usage}` : ''}`);
  }
  return n;
}

/** Parse a 0..1 rate (flag or env such as FAIL_RATE). */
export function rateValue(name: string, raw: string | undefined, fallback = 0, usage?: string): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`${name} must be a number from 0 to 1, got "${raw}"${usage ? `\n\n${usage}` : ''}`);
  return n;
}

/**
 * Run a lesson's entry point: print errors as one clear sentence and exit non-zero.
 * --help exits 0 with the usage on stdout, UsageError exits 2 (bad flags), anything else 1.
 */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(), // process.exitCode, if main set one (e.g. 07's redrive that stopped), else 0
    (err: unknown) => {
      if (err instanceof HelpRequested) {
        console.log(err.message);
        process.exit(0);
      }
      if (err instanceof UsageError) {
        console.error(err.message);
        process.exit(2);
      }
      console.error(`\n✘ ${err instanceof Error ? err.message : String(err)}`);
      if (process.env.MQ_DEBUG && err instanceof Error) console.error(err.stack);
      process.exit(1);
    },
  );
}
