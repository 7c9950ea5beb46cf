import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'workshop-runner',
    isolate: false,
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
