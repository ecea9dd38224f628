import * as tf from '@tensorflow/tfjs';
import { BATCH_MATMUL_WASM_BASE64 } from './wasm-kernels.generated.js';

/**
 * Fast kernels for tfjs's wasm backend (issue 13), swapped in through the kernel registry so every
 * model benefits without code changes. Today: `BatchMatMul` for float32 with a batch > 1 (the
 * attention products, which the stock wasm kernel runs at 0.2-2.6 GFLOP/s) or with a transpose,
 * from a SIMD128 module compiled from packages/core/kernels/wasm/batch-matmul.c. Everything else
 * (batch 1 without transposes, which the stock kernel runs through XNNPACK, other dtypes,
 * broadcasts this kernel does not flatten) goes to the stock kernel.
 */

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heap_base(): number;
  batch_matmul(a: number, b: number, c: number, scratch: number, batch: number, batchA: number, batchB: number, m: number, k: number, n: number, transA: number, transB: number): void;
}

/** The parts of tfjs-backend-wasm's `BackendWasm` the kernel uses. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

const MARK = Symbol.for('jepa.fastKernel');
let instance: Promise<KernelExports> | undefined;
let stock: tf.KernelConfig | undefined;

function decodeBase64(s: string): Uint8Array {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(s, 'base64'));
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function loadKernels(): Promise<KernelExports> {
  instance ??= WebAssembly.compile(decodeBase64(BATCH_MATMUL_WASM_BASE64) as Uint8Array<ArrayBuffer>)
    .then((m) => WebAssembly.instantiate(m, {}))
    .then((i) => i.exports as unknown as KernelExports);
  return instance;
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Makes the replacement `BatchMatMul` kernel function over a loaded module. */
function makeBatchMatMul(k: KernelExports, fallback: tf.KernelFunc): tf.KernelFunc {
  const base = (k.heap_base() + 15) & ~15;
  let heap = new Float32Array(k.memory.buffer);
  const fn = (args: KernelArgs) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return fallback(args);
    const ar = a.shape.length;
    const br = b.shape.length;
    const m = transposeA ? a.shape[ar - 1]! : a.shape[ar - 2]!;
    const kA = transposeA ? a.shape[ar - 2]! : a.shape[ar - 1]!;
    const kB = transposeB ? b.shape[br - 1]! : b.shape[br - 2]!;
    const n = transposeB ? b.shape[br - 2]! : b.shape[br - 1]!;
    const batchA = sizeOf(a.shape.slice(0, -2));
    const batchB = sizeOf(b.shape.slice(0, -2));
    const batch = Math.max(batchA, batchB);
    // Batch 1 without transposes runs fast through XNNPACK already (with a transpose the stock
    // kernel takes a plain loop, 0.4-0.9 GFLOP/s, so those come here); mismatches and broadcasts
    // this kernel does not flatten get the stock kernel's behaviour (and its error messages).
    if ((batch <= 1 && !transposeA && !transposeB) || kA !== kB || m === 0 || n === 0 || kA === 0 || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return fallback(args);
    const outShape = [...tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
    if (sizeOf(outShape) !== batch * m * n) return fallback(args);
    const aLen = batchA * m * kA;
    const bLen = batchB * kA * n;
    const cLen = batch * m * n;
    const aOff = base >> 2;
    const bOff = aOff + ((aLen + 3) & ~3);
    const cOff = bOff + ((bLen + 3) & ~3);
    const sOff = cOff + ((cLen + 3) & ~3);
    const end = (sOff + kA * (Math.ceil(n / 8) * 8 + 4)) * 4;
    if (end > k.memory.buffer.byteLength) {
      // The module's memory grows to the largest product seen and is capped at 4 GiB (wasm32):
      // a product that does not fit goes to the stock kernel.
      try {
        k.memory.grow(Math.ceil((end - k.memory.buffer.byteLength) / 65536));
      } catch {
        return fallback(args);
      }
    }
    if (heap.buffer !== k.memory.buffer) heap = new Float32Array(k.memory.buffer);
    const backend = args.backend as unknown as WasmBackendLike;
    heap.set(backend.typedArrayFromHeap(a), aOff);
    heap.set(backend.typedArrayFromHeap(b), bOff);
    k.batch_matmul(aOff * 4, bOff * 4, cOff * 4, sOff * 4, batch, batchA, batchB, m, kA, n, transposeA ? 1 : 0, transposeB ? 1 : 0);
    const out = backend.makeOutput(outShape, 'float32');
    // makeOutput may grow the backend's heap: take the view after it.
    backend.typedArrayFromHeap(out).set(heap.subarray(cOff, cOff + cLen));
    return out;
  };
  (fn as unknown as Record<symbol, boolean>)[MARK] = true;
  return fn as unknown as tf.KernelFunc;
}

/**
 * Registers (`on`) or removes (`!on`) the fast wasm kernels; the wasm backend must be registered.
 * Idempotent. Returns whether they are on afterwards.
 */
export async function setWasmFastKernels(on: boolean): Promise<boolean> {
  const current = tf.getKernel('BatchMatMul', 'wasm');
  if (!current) return false;
  const isOurs = (current.kernelFunc as unknown as Record<symbol, boolean>)[MARK] === true;
  if (!on) {
    if (isOurs && stock) {
      tf.unregisterKernel('BatchMatMul', 'wasm');
      tf.registerKernel(stock);
    }
    return false;
  }
  if (isOurs) return true;
  const k = await loadKernels();
  stock = current;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  // setupFunc stays: it binds the stock kernel to the backend's module if the backend is re-created.
  tf.registerKernel({ ...current, kernelFunc: makeBatchMatMul(k, current.kernelFunc) });
  return true;
}

/** Whether the fast wasm `BatchMatMul` is the registered one now. */
export function wasmFastKernelsOn(): boolean {
  const current = tf.getKernel('BatchMatMul', 'wasm');
  return !!current && (current.kernelFunc as unknown as Record<symbol, boolean>)[MARK] === true;
}
