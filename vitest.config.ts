// One test command for the whole repo: every workspace package is a vitest project,
// so `pnpm test` verifies every lesson and `pnpm --filter X test` runs just one.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['shared', 'examples/*'],
  },
});
