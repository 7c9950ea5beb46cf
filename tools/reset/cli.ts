// The reset command as a function, so its test can run it in-process (tools/reset.ts is the thin
// program around it).
import { LEGACY, reset, urlsFrom, type ServiceReport } from './targets';

const USAGE = `usage: pnpm reset [--dry-run] [--legacy]
  Removes every stream, key and database a lesson or exercise scope made (L03_ORDERS, l02:..., l01_...)
  on the servers at NATS_URL, REDIS_URL and DATABASE_URL (default: the local 4222, 6379, 5432).
  --dry-run  list, remove nothing
  --legacy   also the unscoped names older lesson versions used (${LEGACY.streams.slice(0, 3).join(', ')}, ...): they may be someone else's`;

/** The whole command: parse `argv`, reset the servers `env` names, print through `log`; the exit code. */
export async function runReset(argv: string[], env: NodeJS.ProcessEnv, log: (line: string) => void = console.log): Promise<number> {
  const args = argv.filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) {
    log(USAGE);
    return 0;
  }
  const unknown = args.filter((a) => a !== '--dry-run' && a !== '--legacy');
  if (unknown.length) {
    log(`pnpm reset: unknown option ${unknown.join(' ')}\n${USAGE}`);
    return 2;
  }
  const dryRun = args.includes('--dry-run');
  const legacy = args.includes('--legacy');
  const reports = await reset(urlsFrom(env), { dryRun, legacy });
  print(reports, dryRun, legacy, log);
  return reports.some((r) => r.skipped?.startsWith('failed')) ? 1 : 0;
}

function print(reports: ServiceReport[], dryRun: boolean, legacy: boolean, log: (line: string) => void): void {
  const verb = dryRun ? 'would remove' : 'removed';
  for (const r of reports) {
    if (r.skipped) {
      log(`${r.service} at ${r.url}: skipped, ${r.skipped}`);
      continue;
    }
    log(`${r.service} at ${r.url}: ${r.targets.length ? `${verb} ${r.targets.length}` : 'nothing to remove'}`);
    for (const t of r.targets) log(`  ${verb} ${t.what} ${t.name}${t.detail ? ` (${t.detail})` : ''}${t.legacy ? '  [legacy, unscoped]' : ''}`);
  }
  const legacyFound = reports.flatMap((r) => r.targets).filter((t) => t.legacy);
  if (legacy && legacyFound.length) {
    log(`\nWarning: the ${legacyFound.length} [legacy] name(s) above are not scoped to a lesson. Older lesson versions made them,`);
    log('but so could anything else using these servers (your own ORDERS stream, another program).');
    if (dryRun) log('Check them before running `pnpm reset --legacy`.');
  } else if (!legacy) {
    log('\nUnscoped names that older lesson versions left (ORDERS, DLQ, ...) are not touched; `pnpm reset --legacy --dry-run` lists them.');
  }
  if (dryRun) log('Dry run: nothing was removed.');
}
