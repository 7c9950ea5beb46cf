// One test command for the whole repo: `pnpm test` runs every package's test/ folder as ONE vitest
// project, so the 4 worker processes (isolate: false) stay up for the whole run and import the
// clients and @mq/shared once each. Vitest never shares a worker between projects: with a project per
// package it started ~50 workers a run, ~11 s of this 2-core machine's time.
// One lesson: `pnpm vitest run examples/04-queue-groups` here, or `pnpm --filter 04-queue-groups test`
// (each package keeps its own vitest.config.ts for that).
// Lesson tests mostly wait on brokers (AckWait, redelivery), not on the CPU, so more files run at
// once than this machine has cores.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'tools/workshop/test/**/*.test.ts', 'console/test/**/*.test.ts'],
    reporters: ['default', './tools/summary-reporter.ts'],
    maxWorkers: 4,
    isolate: false,
    // Lesson programs that tests start as children run from bundles built once per run (tools/test-programs.ts).
    globalSetup: ['./tools/test-programs.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
