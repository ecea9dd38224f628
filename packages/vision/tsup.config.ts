import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'node/index': 'src/node/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: false,
  target: 'node20',
  // Shared chunks in CommonJS too (as ESM has), so the main and /node entries share one copy of
  // each module.
  splitting: true,
  shims: true, // import.meta.url in the CommonJS build (createRequire of the mnist package)
});
