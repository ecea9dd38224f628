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
  shims: true, // import.meta.url in the CommonJS build (to find the worker)
});
