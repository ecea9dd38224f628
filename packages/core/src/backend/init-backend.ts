import * as tf from '@tensorflow/tfjs';
import { setWasmFastKernels, wasmKernelThreads } from './kernels/fast-kernels.js';

/** Backends {@link initBackend} tries under Node, best first. */
export const BACKEND_PREFERENCE = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
/** Backends {@link initBackend} tries in a browser page (or a web worker), best first. */
export const BROWSER_BACKEND_PREFERENCE = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
/** A backend to ask {@link initBackend} for, or `auto` (the best one available here). */
export type BackendChoice = (typeof BACKEND_PREFERENCE)[number] | (typeof BROWSER_BACKEND_PREFERENCE)[number] | 'auto';
/** Where {@link initBackend} runs: it decides which backends are candidates. */
export type BackendRuntime = 'node' | 'browser';

/** What {@link initBackend} chose and why. */
export interface BackendInfo {
  /** The tfjs backend name now active (`tensorflow`, `wasm`, `cpu`, `webgpu`). */
  readonly backend: string;
  /** What was asked for (option, `JEPA_BACKEND`, or `auto`). */
  readonly requested: BackendChoice;
  /** The package that provides it. */
  readonly provider: string;
  /** Where it ran, which decided the candidates (Node: tfjs-node first; a browser: WebGPU first). */
  readonly runtime: BackendRuntime;
  /** Each candidate tried before it, with the reason it was passed over. */
  readonly skipped: ReadonlyArray<{
    /** The backend tried. */
    candidate: string;
    /** Why it was passed over. */
    reason: string;
  }>;
  /**
   * Whether @jepa/core's fast wasm kernels (SIMD128 `BatchMatMul`, `Exp`, `Erf`, `Sum`; copy-free
   * `Identity`, `Slice`, `Tile`, `GatherV2`; the fused GELU, layer-norm, AdamW and EMA kernels;
   * issue 13) replace the stock ones; false on other backends or when switched off.
   */
  readonly fastKernels: boolean;
  /**
   * Threads the fast wasm kernels use: 2 (a worker thread sharing their memory takes half of each
   * large product), 1 (threads unavailable, or `threads: 1` / `JEPA_WASM_THREADS=1`), 0 when the
   * fast kernels are off.
   */
  readonly kernelThreads: number;
  /** Why the kernels use one thread when two were asked for (e.g. a page not `crossOriginIsolated`). */
  readonly kernelThreadsReason?: string;
}

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** Overrides `JEPA_BACKEND` and the automatic choice. */
  readonly backend?: BackendChoice;
  /** Environment to read `JEPA_BACKEND` from (default `process.env`; none in a browser). */
  readonly env?: Record<string, string | undefined>;
  /**
   * Which candidates `auto` tries: `node` ({@link BACKEND_PREFERENCE}) or `browser`
   * ({@link BROWSER_BACKEND_PREFERENCE}). Default: `node` under Node, else `browser`.
   */
  readonly runtime?: BackendRuntime;
  /**
   * Where the wasm backend finds its `.wasm` files, when a bundler moved them: a URL prefix ending
   * in `/`, or a map from file name to URL (`setWasmPaths` of `@tensorflow/tfjs-backend-wasm`).
   * Default: next to the backend's script.
   */
  readonly wasmPaths?: string | Record<string, string>;
  /**
   * On wasm, replace the stock `BatchMatMul` with @jepa/core's SIMD128 kernel for batched float32
   * products (default true; `JEPA_WASM_FAST_KERNELS=0` turns it off when this is not given).
   * `false` restores the stock kernel.
   */
  readonly fastKernels?: boolean;
  /**
   * Threads the fast wasm kernels may use, 1 or 2 (default 2, or `JEPA_WASM_THREADS`): with 2 a
   * worker thread (Node's worker_threads, or a Worker on a `crossOriginIsolated` page) computes half
   * of each large matrix product; where none can start they use 1.
   */
  readonly threads?: number;
}

const PROVIDERS: Record<Exclude<BackendChoice, 'auto'>, { pkg: string; name: string }> = {
  'tensorflow-gpu': { pkg: '@tensorflow/tfjs-node-gpu', name: 'tensorflow' },
  tensorflow: { pkg: '@tensorflow/tfjs-node', name: 'tensorflow' },
  wasm: { pkg: '@tensorflow/tfjs-backend-wasm', name: 'wasm' },
  cpu: { pkg: '@tensorflow/tfjs-backend-cpu', name: 'cpu' },
  webgpu: { pkg: '@tensorflow/tfjs-backend-webgpu', name: 'webgpu' },
  webgl: { pkg: '@tensorflow/tfjs-backend-webgl', name: 'webgl' },
};

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** Loads (registers) the backend of `choice`, so that `tf.setBackend` can pick it. */
async function loadProvider(choice: Exclude<BackendChoice, 'auto'>, options: InitBackendOptions): Promise<void> {
  const { pkg, name } = PROVIDERS[choice];
  switch (choice) {
    case 'cpu':
    case 'webgl':
      return; // registered by @tensorflow/tfjs itself (webgl only works where a WebGL context can be made)
    case 'wasm': {
      // A literal specifier: a web app's bundler includes the backend (a dependency of @jepa/core).
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (options.wasmPaths !== undefined) wasm.setWasmPaths(options.wasmPaths);
      return;
    }
    case 'webgpu': {
      // Optional: used when the page imported @tensorflow/tfjs-backend-webgpu (a bundler cannot
      // include a package that may be absent) or, unbundled, when it can be imported by name.
      if (typeof (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu === 'undefined') throw new Error('no WebGPU here (navigator.gpu is undefined)');
      if (tf.findBackendFactory(name)) return;
      try {
        await import(/* @vite-ignore */ pkg);
      } catch {
        throw new Error(`${pkg} is not loaded; import it in the app (npm install ${pkg}) to use WebGPU`);
      }
      return;
    }
    default:
      // tfjs-node(-gpu): optional, Node only, and never bundled (the specifier is not a literal).
      await import(/* @vite-ignore */ pkg);
  }
}

async function tryProvider(choice: Exclude<BackendChoice, 'auto'>, options: InitBackendOptions): Promise<void> {
  await loadProvider(choice, options);
  const { name } = PROVIDERS[choice];
  if (!tf.findBackendFactory(name)) throw new Error(`no '${name}' backend is registered`);
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend('${name}') returned false`);
  await tf.ready();
}

function wantFastKernels(options: InitBackendOptions, env: Record<string, string | undefined>): boolean {
  if (options.fastKernels !== undefined) return options.fastKernels;
  const v = env.JEPA_WASM_FAST_KERNELS?.trim().toLowerCase();
  return !(v === '0' || v === 'false' || v === 'off' || v === 'no');
}

function wantThreads(options: InitBackendOptions, env: Record<string, string | undefined>): number {
  if (options.threads !== undefined) return options.threads;
  const v = Number(env.JEPA_WASM_THREADS?.trim());
  return Number.isFinite(v) && v >= 1 ? Math.floor(v) : 2;
}

/**
 * Initialises the best available TensorFlow.js backend and says which it chose. Under Node:
 * `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`, then wasm, then cpu (about 30x slower
 * than wasm). In a browser page: WebGPU (when the page imported the optional
 * `@tensorflow/tfjs-backend-webgpu` and `navigator.gpu` exists), then WebGL, then wasm (pass
 * `wasmPaths` when a bundler moved its `.wasm` files), then cpu; {@link BackendInfo.skipped} says
 * why each one before it was passed over. `options.backend` or the `JEPA_BACKEND` variable
 * (`tensorflow-gpu`, `tensorflow`, `webgpu`, `webgl`, `wasm`, `cpu`, `auto`) forces one; a forced
 * backend that cannot load is an error.
 * On wasm it also registers @jepa/core's fast kernels unless `fastKernels: false` or
 * `JEPA_WASM_FAST_KERNELS=0` (see {@link BackendInfo.fastKernels}), on two threads unless
 * `threads: 1` or `JEPA_WASM_THREADS=1` ({@link BackendInfo.kernelThreads}).
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const runtime: BackendRuntime = options.runtime ?? (isNode() ? 'node' : 'browser');
  const env = options.env ?? (isNode() ? process.env : {});
  const fromEnv = env.JEPA_BACKEND?.trim() as BackendChoice | undefined;
  const requested: BackendChoice = options.backend ?? (fromEnv || 'auto');
  const valid = [...BACKEND_PREFERENCE, 'webgpu', 'webgl', 'auto'];
  if (!valid.includes(requested)) {
    throw new Error(`Unknown backend '${requested}'${options.backend ? '' : ' (from JEPA_BACKEND)'}; use one of ${valid.join(', ')}.`);
  }
  const skipped: Array<{ candidate: string; reason: string }> = [];
  const candidates = requested !== 'auto' ? [requested] : runtime === 'node' ? BACKEND_PREFERENCE : BROWSER_BACKEND_PREFERENCE;
  for (const candidate of candidates) {
    try {
      await tryProvider(candidate, options);
      const backend = tf.getBackend();
      const fastKernels = backend === 'wasm' ? await setWasmFastKernels(wantFastKernels(options, env), { threads: wantThreads(options, env) }) : false;
      const threads: { threads: number; reason?: string } = fastKernels ? wasmKernelThreads() : { threads: 0 };
      return {
        backend,
        requested,
        provider: PROVIDERS[candidate].pkg,
        runtime,
        skipped,
        fastKernels,
        kernelThreads: threads.threads,
        ...(threads.reason ? { kernelThreadsReason: threads.reason } : {}),
      };
    } catch (e) {
      const reason = (e as Error).message.split('\n')[0]!;
      if (requested !== 'auto') {
        throw new Error(`Backend '${candidate}' could not be loaded (${reason}). Install ${PROVIDERS[candidate].pkg}, or unset JEPA_BACKEND / choose another backend.`);
      }
      skipped.push({ candidate, reason });
    }
  }
  throw new Error(`No TensorFlow.js backend could be initialised: ${skipped.map((s) => `${s.candidate}: ${s.reason}`).join('; ')}`);
}
