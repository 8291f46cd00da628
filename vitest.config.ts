import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const alias = [
  {
    find: '@jiedao/contracts/constants',
    replacement: fileURLToPath(new URL('./packages/contracts/src/constants.ts', import.meta.url)),
  },
  {
    find: /^@jiedao\/contracts$/,
    replacement: fileURLToPath(new URL('./packages/contracts/src/index.ts', import.meta.url)),
  },
];

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['apps/*/src/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['**/*.db.test.ts', '**/node_modules/**'],
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'db',
          include: ['apps/server/src/**/*.db.test.ts'],
          globalSetup: ['apps/server/src/testing/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
