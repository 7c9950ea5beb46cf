// One test command for the whole repo: every workspace package is a vitest project,
// so `pnpm test` verifies every lesson and `pnpm --filter X test` runs just one.
// Lesson tests mostly wait on brokers (AckWait, redelivery), not on the CPU, so more files run
// at once than this 2-core machine has cores.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['shared', 'examples/*', 'tools/workshop', 'console'],
    reporters: ['default', './tools/summary-reporter.ts'],
    maxWorkers: 4,
    isolate: false,
  },
});
