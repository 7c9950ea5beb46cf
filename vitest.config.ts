// One test command for the whole repo: `pnpm test` runs every package's test/ folder as ONE vitest
// project, so its 6 worker processes (isolate: false) stay up for the whole run and import the
// clients and @mq/shared once each. Vitest never shares a worker between projects: with a project per
// package it started ~50 workers a run, ~11 s of this 2-core machine's time.
// One lesson: `pnpm vitest run examples/04-queue-groups` here, or `pnpm --filter 04-queue-groups test`
// (each package keeps its own vitest.config.ts for that).
// Lesson tests mostly wait on brokers (AckWait, redelivery, elections), not on the CPU, so more files
// run at once than this machine has cores: with 4 the longest files, all waiting, left the CPU at
// ~20 % for the first seconds; 6 fill it (34-38 s here against 40-43 s with 4, and 37-38 s with 8).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'tools/workshop/test/**/*.test.ts', 'console/test/**/*.test.ts'],
    reporters: ['default', './tools/summary-reporter.ts'],
    maxWorkers: 6,
    isolate: false,
    // Lesson programs that tests start as children run from bundles built once per run (tools/test-programs.ts).
    globalSetup: ['./tools/test-programs.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
