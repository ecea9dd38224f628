import { defineConfig } from 'tsup';

export default defineConfig({
  // The decode worker is its own file: ClipDecodeThread starts it from next to the bundle.
  entry: { index: 'src/index.ts', 'clip-decode-worker': 'src/decode/clip-decode-worker.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } }, // the worker is started by path, never imported: no types
  clean: true,
  sourcemap: false,
  target: 'node20',
  shims: true, // import.meta.url in the CommonJS build (to find the worker)
});
