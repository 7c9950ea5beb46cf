// pnpm reset [--dry-run] [--legacy]: remove what the lessons and exercise checks made on the default
// servers (NATS_URL / REDIS_URL / DATABASE_URL, or 4222 / 6379 / 5432): streams L03_..., keys l02:...,
// databases l01_... (CONTRIBUTING.md, "Lessons never break each other"). Nothing else is touched
// unless --legacy names the unscoped leftovers of older lesson versions.
import { LEGACY, reset, urlsFrom, type ServiceReport } from './reset/targets';

const USAGE = `usage: pnpm reset [--dry-run] [--legacy]
  Removes every stream, key and database a lesson or exercise scope made (L03_ORDERS, l02:..., l01_...)
  on the servers at NATS_URL, REDIS_URL and DATABASE_URL (default: the local 4222, 6379, 5432).
  --dry-run  list, remove nothing
  --legacy   also the unscoped names older lesson versions used (${LEGACY.streams.slice(0, 3).join(', ')}, ...): they may be someone else's`;

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const unknown = args.filter((a) => a !== '--dry-run' && a !== '--legacy');
  if (unknown.length) {
    console.error(`pnpm reset: unknown option ${unknown.join(' ')}\n${USAGE}`);
    return 2;
  }
  const dryRun = args.includes('--dry-run');
  const legacy = args.includes('--legacy');
  const reports = await reset(urlsFrom(process.env), { dryRun, legacy });
  print(reports, dryRun, legacy);
  return reports.some((r) => r.skipped?.startsWith('failed')) ? 1 : 0;
}

function print(reports: ServiceReport[], dryRun: boolean, legacy: boolean): void {
  const verb = dryRun ? 'would remove' : 'removed';
  for (const r of reports) {
    if (r.skipped) {
      console.log(`${r.service} at ${r.url}: skipped, ${r.skipped}`);
      continue;
    }
    console.log(`${r.service} at ${r.url}: ${r.targets.length ? `${verb} ${r.targets.length}` : 'nothing to remove'}`);
    for (const t of r.targets) console.log(`  ${verb} ${t.what} ${t.name}${t.detail ? ` (${t.detail})` : ''}${t.legacy ? '  [legacy, unscoped]' : ''}`);
  }
  const legacyFound = reports.flatMap((r) => r.targets).filter((t) => t.legacy);
  if (legacy && legacyFound.length) {
    console.log(`\nWarning: the ${legacyFound.length} [legacy] name(s) above are not scoped to a lesson. Older lesson versions made them,`);
    console.log('but so could anything else using these servers (your own ORDERS stream, another program).');
    if (dryRun) console.log('Check them before running `pnpm reset --legacy`.');
  } else if (!legacy) {
    console.log('\nUnscoped names that older lesson versions left (ORDERS, DLQ, ...) are not touched; `pnpm reset --legacy --dry-run` lists them.');
  }
  if (dryRun) console.log('Dry run: nothing was removed.');
}

main().then((code) => process.exit(code), (err) => {
  console.error(`pnpm reset: ${(err as Error).message}`);
  process.exit(1);
});
