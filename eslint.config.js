// Lint: the recommended rules of eslint and typescript-eslint, plus the two rules that keep the
// lesson shape (CONTRIBUTING.md): lines a reader can take in at once, and narrated code (src/)
// that never leans on test fixtures.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/.scratch/**', 'examples/*/scratch/**', '.drafts/**', '**/node_modules/**', '**/dist/**', '**/out/**', '**/*.js', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'max-len': ['error', { code: 140, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    files: ['shared/src/**/*.ts', 'examples/*/src/**/*.ts', 'console/src/**/*.ts'],
    ignores: ['shared/src/testing.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: '@mq/shared/testing', message: 'src/ is what a learner reads and runs; test fixtures belong in test/.' }],
        patterns: [{ group: ['**/testing', '**/test/**'], message: 'src/ never imports test fixtures or test files.' }],
      }],
    },
  },
);
