import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'node/index': 'src/node/index.ts', 'testing/index': 'src/testing/index.ts', 'random/index': 'src/random/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: false,
  target: 'node20',
  // Shared chunks in CommonJS too (as ESM has), so @jepa/core and @jepa/core/node share one copy
  // of each class: an error thrown by one entry is instanceof the other's class.
  splitting: true,
  shims: true, // import.meta.url in the CommonJS build (createRequire of cli-progress)
});
