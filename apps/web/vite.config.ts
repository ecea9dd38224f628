import { defineConfig } from 'vite';
import { mnistSubsetPlugin } from './src/mnist-subset-plugin.js';

/**
 * Cross-origin isolation lets tfjs's wasm backend and @jepa/core's kernels use a second thread
 * (SharedArrayBuffer); every file is served by the app itself, so nothing else is affected.
 */
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  // Relative asset URLs, so the built folder works from any path (a static server, a sub-folder).
  base: './',
  // The libraries' TypeScript sources through their `@jepa/source` export condition: no package build first.
  resolve: { conditions: ['@jepa/source', 'module', 'browser', 'development|production'] },
  plugins: [mnistSubsetPlugin()],
  server: { headers: isolation },
  preview: { headers: isolation },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
