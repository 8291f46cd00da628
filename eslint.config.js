// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** A module is reached only through its index.ts; its other files are private. */
const BOUNDARY_MESSAGE = 'Import another module only through its index.ts (modules/<name>/index.ts).';
// From anywhere: …/modules/<name>/anything-but-index.js
const DEEP_MODULE_IMPORT = { regex: '(^|/)modules/[^/]+/(?!index\\.js$)[^/]+$', message: BOUNDARY_MESSAGE };
// From inside a module: ../other-module/anything-but-index.js
const SIBLING_MODULE_IMPORT = {
  regex: '^\\.\\./(?!\\.\\.)[^/]+/(?!index\\.js$)[^/]+$',
  message: BOUNDARY_MESSAGE,
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'data/**',
      'e2e/results/**',
      'bench/results/**',
      'coverage/**',
      'openapi.json',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/only-throw-error': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['apps/server/src/**/*.ts'],
    // The one place that joins every module's table types into the Database type.
    ignores: ['apps/server/src/platform/database/schema.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [DEEP_MODULE_IMPORT] }] },
  },
  {
    files: ['apps/server/src/modules/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [DEEP_MODULE_IMPORT, SIBLING_MODULE_IMPORT] }] },
  },
  {
    // Migrations run on Kysely<any> on purpose: they must never depend on today's table types.
    files: ['apps/server/src/platform/database/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: {
      globals: { ...globals.browser },
      // Browser code and its Node-side files (Vite config, tests) have separate tsconfigs.
      parserOptions: {
        projectService: false,
        project: ['apps/web/tsconfig.json', 'apps/web/tsconfig.node.json'],
      },
    },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
