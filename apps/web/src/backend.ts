import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendInfo } from '@jepa/core';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** Browser backends, best first. */
export const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm'] as const;
export type BrowserBackend = (typeof BROWSER_BACKENDS)[number];

/** Which backend the page runs on and why the better ones were passed over. */
export interface PageBackend {
  /** What `initBackend` of @jepa/core reported for the backend chosen. */
  readonly info: BackendInfo;
  readonly backend: string;
  readonly skipped: ReadonlyArray<{ candidate: string; reason: string }>;
}

/** tfjs's wasm binaries, bundled by Vite with the app (never fetched from a CDN). */
const WASM_PATHS = {
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
};

/** GPU adapters and renderers that run on the CPU (slower than wasm for training; seen: SwiftShader in headless Chromium). */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** Throws unless a hardware WebGPU adapter exists; then loads tfjs's optional WebGPU backend (its own chunk). */
async function checkWebGpu(): Promise<void> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ isFallbackAdapter?: boolean; info?: { description?: string; isFallbackAdapter?: boolean } } | null> } }).gpu;
  if (!gpu) throw new Error('navigator.gpu is missing (no WebGPU in this browser)');
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('no WebGPU adapter');
  if (adapter.isFallbackAdapter || adapter.info?.isFallbackAdapter || SOFTWARE_RENDERER.test(adapter.info?.description ?? '')) {
    throw new Error('the WebGPU adapter is a software fallback (slower than wasm)');
  }
}

/** Throws unless WebGL renders on a GPU. */
function checkWebGl(): void {
  const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
  if (!gl) throw new Error('no WebGL context');
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  const software = SOFTWARE_RENDERER.exec(renderer);
  if (software) throw new Error(`WebGL renders in software (${software[0]}), slower than wasm`);
}

/**
 * Picks WebGPU, else WebGL, else wasm with @jepa/core's `initBackend` (which on wasm also registers
 * the library's fast kernels, on two threads when the page is cross-origin isolated) and says which
 * and why the others were passed over. Unlike `initBackend`'s own `auto`, a GPU backend that renders
 * in software (no GPU, as in headless Chromium here: WebGL through SwiftShader took 6-36 s per
 * training step against 0.1 s on wasm) is passed over for wasm. `only` forces one (e.g.
 * `?backend=wasm`), skipping that check.
 *
 * tfjs's own threaded wasm build is kept off: on a cross-origin-isolated page its pthread workers,
 * started from a Blob of code tfjs ships as a string, fail in a bundled app with
 * `ReferenceError: e is not defined` (seen in Chromium 156 with Vite 8), and the backend never starts.
 */
export async function chooseBackend(only?: BrowserBackend): Promise<PageBackend> {
  // The flag exists once the wasm backend's module ran (the same chunk initBackend loads).
  await import('@tensorflow/tfjs-backend-wasm');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  const skipped: Array<{ candidate: string; reason: string }> = [];
  for (const candidate of only ? [only] : BROWSER_BACKENDS) {
    try {
      if (!only && candidate === 'webgpu') await checkWebGpu();
      if (!only && candidate === 'webgl') checkWebGl();
      // initBackend uses the WebGPU backend only when the page loaded it: in its own chunk, fetched only here.
      if (candidate === 'webgpu') await import('@tensorflow/tfjs-backend-webgpu');
      const info = await initBackend({ backend: candidate, runtime: 'browser', wasmPaths: WASM_PATHS });
      return { info, backend: info.backend, skipped };
    } catch (error) {
      skipped.push({ candidate, reason: (error as Error).message.split('\n')[0]! });
    }
  }
  throw new Error(`No TensorFlow.js backend could start: ${skipped.map((s) => `${s.candidate}: ${s.reason}`).join('; ')}`);
}

/** One line for the page: the backend, the library's wasm kernels, and what was passed over. */
export function describeBackend(chosen: PageBackend, forced: boolean): string {
  const { info } = chosen;
  const kernels = info.backend === 'wasm'
    ? info.fastKernels
      ? `, @jepa/core's SIMD kernels on ${info.kernelThreads} thread${info.kernelThreads === 1 ? '' : 's'}${info.kernelThreadsReason ? ` (${info.kernelThreadsReason})` : ''}`
      : ', stock kernels'
    : '';
  const passed = chosen.skipped.map((s) => `${s.candidate}: ${s.reason}`).join('; ');
  return `TensorFlow.js backend: ${info.backend}${kernels}` + (passed ? ` (passed over: ${passed})` : '') + (forced ? ' (asked for by ?backend=)' : '');
}
