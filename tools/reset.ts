// pnpm reset [--dry-run] [--legacy]: remove what the lessons and exercise checks made on the default
// servers (NATS_URL / REDIS_URL / DATABASE_URL, or 4222 / 6379 / 5432): streams L03_..., keys l02:...,
// databases l01_... (CONTRIBUTING.md, "Lessons never break each other"). Nothing else is touched
// unless --legacy names the unscoped leftovers of older lesson versions.
import { runReset } from './reset/cli';

runReset(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`pnpm reset: ${(err as Error).message}`);
    process.exit(1);
  },
);
