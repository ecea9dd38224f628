import { defineConfig } from 'tsup';

export default defineConfig({
  // The decode worker is its own file: ClipDecodeThread (in the node entry) starts it from next to
  // the bundle, so it sits beside dist/node/index.
  entry: { index: 'src/index.ts', 'node/index': 'src/node/index.ts', 'node/clip-decode-worker': 'src/decode/clip-decode-worker.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', 'node/index': 'src/node/index.ts' } }, // the worker is started by path, never imported: no types
  clean: true,
  sourcemap: false,
  target: 'node20',
  // Shared chunks in CommonJS too (as ESM has), so the main and /node entries share one copy of
  // each class (a VideoDecodeError from the node entry is instanceof the main entry's).
  splitting: true,
  shims: true, // import.meta.url in the CommonJS build (to find the worker)
  esbuildOptions(options, { format }) {
    // import.meta.resolve serves only the run-from-source branch of ClipDecodeThread; CommonJS cannot
    // hold the syntax (split CommonJS chunks keep import.meta as written), so it becomes undefined there.
    if (format === 'cjs') options.define = { ...options.define, 'import.meta.resolve': 'undefined' };
  },
});
