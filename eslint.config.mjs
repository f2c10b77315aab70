// ESLint flat config: TypeScript everywhere; the layering rules of ARCHITECTURE.md are
// enforced here too (core never imports electron; the renderer never imports Node).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', '**/node_modules/**', 'test-results/**', 'plugins/*/dist/**', 'coverage/**', '.lamina-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src-main/core/**/*.ts', 'src-main/cli/**/*.ts', 'src-main/server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The core, CLI and server are Electron-free: use the shell (src-main/app) for Electron.' }] }],
    },
  },
  {
    files: ['src-renderer/**/*.ts', 'src-main/core/api/contract.ts', 'src-main/core/api/schemas.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'child_process', 'better-sqlite3', '@tensorflow/tfjs-node*', 'electron'], message: 'The renderer reaches the core only through the API contract.' },
          ],
        },
      ],
    },
  },
  {
    // First-party plugins are written as a third party writes one: only against @lamina/plugin-sdk.
    files: ['plugins/**/*.ts', 'plugins/**/*.mjs', 'plugins/**/*.js'],
    ignores: ['plugins/sdk/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/src-main', '**/src-main/**', '**/src-renderer/**', '**/plugins/sdk/**'], message: 'Plugins use only the public SDK: import from @lamina/plugin-sdk.' }] },
      ],
    },
  },
  {
    // Playwright fixtures are destructured even when a test needs none: test('…', async ({}, info) => …).
    files: ['test/e2e/**/*.ts', 'test/e2e-electron/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    files: ['**/*.cjs', '**/*.mjs', '**/*.js'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
