import eslintComments from '@eslint-community/eslint-plugin-eslint-comments';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** The one-way flow (docs/architecture.md, "The rules"): what a layer may not import. */
function layer(files, forbidden, why) {
  return [
    {
      files: [files],
      rules: {
        'no-restricted-imports': ['error', { patterns: [{ group: forbidden, message: why }] }],
      },
    },
  ];
}

export default tseslint.config(
  {
    ignores: [
      'dist',
      'dist-offline',
      'node_modules',
      'public/mockServiceWorker.js',
      'test-results',
      'playwright-report',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // src/core is shared by the browser, the server and the mocks: it stays pure.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'http', 'net', 'ws', 'fastify', '@fastify/*'],
              message: 'src/core stays free of Node imports.',
            },
            {
              group: ['react', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*', 'd3-*'],
              message: 'src/core stays free of React, stores and DOM code.',
            },
            {
              group: ['../store/*', '../transports/*', '../diagram/*', '../features/*', '../*.tsx'],
              message: 'src/core imports nothing else of the app: everything else imports it.',
            },
          ],
        },
      ],
    },
  },
  ...layer(
    'src/transports/**/*.ts',
    ['../store/*', '../diagram/*', '../features/*'],
    'transports know no screen: where their steps go is a parameter',
  ),
  ...layer(
    'src/store/**/*.ts',
    ['../diagram/*', '../transports/*', '../features/*'],
    'stores hold state: shared types live in src/core',
  ),
  ...layer(
    'server/**/*.ts',
    [
      '../src/store/*',
      '../src/diagram/*',
      '../src/features/*',
      '../src/transports/*',
      '../../src/store/*',
      '../../src/diagram/*',
      '../../src/features/*',
      '../../src/transports/*',
    ],
    'the server knows no screen: it shares src/core only',
  ),
  {
    // Production code: a function longer than a screen is split into named steps.
    files: ['src/**/*.{ts,tsx}', 'server/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // A rule turned off says why, on the same line.
    plugins: { '@eslint-community/eslint-comments': eslintComments },
    rules: { '@eslint-community/eslint-comments/require-description': 'error' },
  },
);
