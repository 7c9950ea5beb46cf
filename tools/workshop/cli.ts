// The entry point of the three root scripts: `pnpm workshop [reset <id>]`, `pnpm verify <id>
// [--watch] | --solutions`, `pnpm hint <id> [--all|--reset]`. Exit codes: 0 done or passed, 1 a
// check failed (or reset refused), 2 a usage mistake such as an unknown id.
import { parseArgs } from 'node:util';
import { hintCommand } from './hint';
import { consoleIo, UsageMistake, type Io } from './io';
import { workshopRoot } from './paths';
import { verifySolutions } from './solutions';
import { verifyCommand } from './verify';
import { listCommand, resetCommand } from './workshop';

export const USAGE: Record<string, string> = {
  workshop: `Usage:
  pnpm workshop              every exercise, its status (todo / passing / changed since it passed), the next one
  pnpm workshop reset <id>   put the exercise's stub back from git (your file is backed up in .workshop/backup/ first)`,
  verify: `Usage:
  pnpm verify <id>           check your exercise.ts; prints what it proved, or each problem (exit 0 or 1)
  pnpm verify <id> --watch   check again on every save
  pnpm verify --solutions    every solution passes, every stub and wrong-*.ts fails (for CI and authors)`,
  hint: `Usage:
  pnpm hint <id>             the next hint for the exercise
  pnpm hint <id> --all       every hint at once
  pnpm hint <id> --reset     start the hints over`,
};

const FLAGS = {
  workshop: {},
  verify: { watch: { type: 'boolean' }, solutions: { type: 'boolean' } },
  hint: { all: { type: 'boolean' }, reset: { type: 'boolean' } },
} as const;

export async function runCli(argv: string[], io: Io = consoleIo, root = workshopRoot()): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || !(command in USAGE)) {
    io.err(`Unknown command "${command ?? ''}": use workshop, verify or hint.`);
    return 2;
  }
  const usage = USAGE[command];
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: rest.filter((a) => a !== '--'),
        options: { ...FLAGS[command as keyof typeof FLAGS], help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
        strict: true,
      });
    } catch (err) {
      throw new UsageMistake((err as Error).message);
    }
    const values = parsed.values as Record<string, boolean | undefined>;
    const positionals = parsed.positionals;
    if (values.help) {
      io.out(usage);
      return 0;
    }
    if (command === 'workshop') {
      if (positionals.length === 0) return await listCommand(root, io);
      if (positionals[0] === 'reset' && positionals.length <= 2) return resetCommand(root, positionals[1], io);
      throw new UsageMistake(`"${positionals.join(' ')}" is not a workshop command.`);
    }
    if (positionals.length > 1) throw new UsageMistake(`One exercise at a time, got: ${positionals.join(' ')}`);
    if (command === 'verify') {
      if (values.solutions) {
        if (positionals.length || values.watch) throw new UsageMistake('--solutions checks every exercise; it takes no id and no --watch.');
        return await verifySolutions(root, io);
      }
      return await verifyCommand(root, positionals[0], { watch: !!values.watch }, io);
    }
    if (values.all && values.reset) throw new UsageMistake('--all or --reset, not both.');
    return hintCommand(root, positionals[0], { all: !!values.all, reset: !!values.reset }, io);
  } catch (err) {
    if (err instanceof UsageMistake) {
      io.err(err.message);
      io.err();
      io.err(usage);
      return 2;
    }
    throw err;
  }
}
