// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Packages the lifecycle core must never import: it talks to the world only through its ports. */
const forbiddenInCore = [
  'botbuilder*',
  '@microsoft/teams-ai',
  '@microsoft/microsoft-graph-client',
  '@azure/*',
  'ldapts',
  'pg',
  '@electric-sql/*',
  'adaptivecards*',
  'express',
  'pino',
  'node:http',
  'node:https',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.data/**',
      'appPackage/build/**',
      'devTools/**',
      'coverage/**',
      'bin/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unnecessary-condition': 'off',
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: forbiddenInCore, message: 'src/core is SDK-free: use a port.' },
            {
              group: [
                '**/teams/**',
                '**/connectors/**',
                '**/store/**',
                '**/sandbox/**',
                '**/app/**',
                '**/cli/**',
              ],
              message: 'src/core imports nothing outside itself.',
            },
          ],
        },
      ],
    },
  },
  {
    // The composition root is imported only by the entry points (src/app/main.ts, dev.ts, src/cli).
    files: ['src/**/*.ts'],
    ignores: ['src/core/**', 'src/app/**', 'src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/app/**'],
              message: 'Only the entry points (src/app, src/cli) import the composition root in src/app.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
