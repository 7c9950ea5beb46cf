import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: '05-fanout-vs-queue',
    isolate: false,
    globalSetup: ['../../tools/test-programs.ts'], // lesson programs run from per-run bundles (CONTRIBUTING: Tests)
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
