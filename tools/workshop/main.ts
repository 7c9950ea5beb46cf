// What the root scripts run: `tsx tools/workshop/main.ts <workshop|verify|hint> ...`.
import { runCli } from './cli';

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`✘ The workshop runner itself failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
