import { defineConfig } from 'vitest/config';

// Tests read sibling packages' TypeScript sources through the `@jepa/source` export condition,
// so nothing has to be built before `npm test`.
const conditions = ['@jepa/source', 'import', 'module', 'node', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@jepa/source'] } },
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: ['core', 'vision', 'video', 'hierarchy', 'cli'].map((name) => ({
      extends: true as const,
      test: { name, include: [`packages/${name}/src/**/*.test.ts`], environment: 'node' },
    })).concat([{ extends: true as const, test: { name: 'apps', include: ['apps/*/src/**/*.test.ts', 'tools/*/src/**/*.test.ts'], environment: 'node' } }]),
  },
});
