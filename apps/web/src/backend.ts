import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** Browser backends, best first. */
export const BROWSER_BACKENDS = ['webgpu', 'webgl', 'wasm'] as const;
export type BrowserBackend = (typeof BROWSER_BACKENDS)[number];

/** Which backend the page runs on and why the better ones were passed over. */
export interface PageBackend {
  readonly backend: string;
  readonly skipped: ReadonlyArray<{ candidate: string; reason: string }>;
}

/**
 * Serves tfjs's wasm binaries from the app's own files (bundled by Vite), never from a CDN. tfjs's
 * threaded wasm build is kept off: on a cross-origin-isolated page its pthread workers, started from
 * a Blob of code tfjs ships as a string, fail in a bundled app with `ReferenceError: e is not
 * defined` (seen in Chromium 156 with Vite 8), and the backend never starts.
 */
export function useBundledWasmBinaries(): void {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
  });
}

/** GPU adapters and renderers that run on the CPU (slower than wasm for training; seen: SwiftShader in headless Chromium). */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

async function checkWebGpu(): Promise<void> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ isFallbackAdapter?: boolean; info?: { description?: string; isFallbackAdapter?: boolean } } | null> } }).gpu;
  if (!gpu) throw new Error('navigator.gpu is missing (no WebGPU in this browser)');
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('no WebGPU adapter');
  if (adapter.isFallbackAdapter || adapter.info?.isFallbackAdapter || SOFTWARE_RENDERER.test(adapter.info?.description ?? '')) {
    throw new Error('the WebGPU adapter is a software fallback (slower than wasm)');
  }
  // Loaded only here, so browsers without WebGPU never download it.
  await import('@tensorflow/tfjs-backend-webgpu');
}

function checkWebGl(): void {
  const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
  if (!gl) throw new Error('no WebGL context');
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  const software = SOFTWARE_RENDERER.exec(renderer);
  if (software) throw new Error(`WebGL renders in software (${software[0]}), slower than wasm`);
}

async function tryBackend(name: BrowserBackend, forced: boolean): Promise<void> {
  // A backend asked for by name skips the software check (so a test can still measure it).
  if (name === 'webgpu') {
    if (forced) await import('@tensorflow/tfjs-backend-webgpu');
    else await checkWebGpu();
  }
  if (name === 'webgl' && !forced) checkWebGl();
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
  await tf.ready();
}

/**
 * Picks WebGPU, else WebGL, else wasm, and says which and why the others were passed over: a GPU
 * backend that renders in software (no GPU, as in headless Chromium here: WebGL through SwiftShader
 * took 6-36 s per training step against 0.1 s on wasm) is passed over for wasm. `only` forces one,
 * e.g. `?backend=wasm`.
 */
export async function chooseBackend(only?: BrowserBackend): Promise<PageBackend> {
  useBundledWasmBinaries();
  const skipped: Array<{ candidate: string; reason: string }> = [];
  for (const candidate of only ? [only] : BROWSER_BACKENDS) {
    try {
      await tryBackend(candidate, only !== undefined);
      return { backend: tf.getBackend(), skipped };
    } catch (error) {
      skipped.push({ candidate, reason: (error as Error).message.split('\n')[0]! });
    }
  }
  throw new Error(`No TensorFlow.js backend could start: ${skipped.map((s) => `${s.candidate}: ${s.reason}`).join('; ')}`);
}
