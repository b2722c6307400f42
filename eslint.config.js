// One lint setup for every workspace: typescript-eslint's recommended rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration only in a composition root (src/main.ts / config.ts).',
        },
      ],
    },
  },
  {
    files: [
      '**/src/main.ts',
      '**/src/config.ts',
      '**/test/**',
      'testkit/**',
      'bench/**',
      'scripts/**',
      'vitest.config.ts',
      '**/*.config.*',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Tests read untyped JSON from real servers.
    files: ['**/test/**', 'testkit/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
