import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: '05-fanout-vs-queue',
    isolate: false,
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
