import * as tf from '@tensorflow/tfjs';
import { roundUp4, type KernelArgs, type WasmBackendLike } from './wasm-backend.js';

/**
 * Element-wise and reduction kernels for tfjs's wasm backend (issue 13) from the SIMD128 module
 * (packages/core/kernels/wasm/elementwise.c), registered over the stock ones by fast-kernels.ts:
 * - `Exp` and `Erf`: the stock kernels call the C library's scalar expf/erff, 2-3 ns an element
 *   (GELU and its gradient: 80 ms of a bench step);
 * - `JepaGelu` and `JepaGeluGrad` (nn/gelu.ts): exact GELU and its gradient in one pass each;
 * - `Sum` over leading axes (bias and layer-norm gradients, `[rows, cols] -> [cols]`): the stock
 *   kernel transposes the input first; here each column is summed in order in a vector lane, the
 *   same sums as the stock kernel's. Other reductions go to the stock kernel.
 * Operands are copied into the kernel module's memory and the result out, as for `BatchMatMul`.
 */

/** What kernels over the kernel module need from its loader (fast-kernels.ts); `E`: the exports they call. */
export interface KernelHeap<E = SimdExports> {
  /**
   * The module's exports and a float view of its memory with at least `floats` floats free from
   * float index `base` (16-byte aligned), and `map`, which runs an element-wise kernel on the
   * module's threads; undefined when the module is not loaded or cannot grow.
   */
  reserve(floats: number): { exports: E; heap: Float32Array; base: number; map: MapRunner; chunks?: ChunkRunner } | undefined;
}

/**
 * With two threads: runs one operation's `chunks` chunks on both (fast-kernels.ts `runChunks`; `op`
 * one of kernel-worker.ts's op codes, `args` its arguments in the control block); `run` computes a
 * chunk on this thread, `finish` is called once a chunk's results are complete, `prepare` copies a
 * chunk's operands in (a chunk starts only after it). Undefined with one thread.
 */
export type ChunkRunner = (op: number, args: readonly number[], chunks: number, run: (chunk: number) => void, finish?: (chunk: number) => void, prepare?: (chunk: number) => void) => void;

/** The element-wise kernels of elementwise.c: `(pointers.., n)`, every pointer advancing one float per element. */
export const MAP_KERNELS = ['exp_f32', 'erf_f32', 'gelu_f32', 'gelu_grad_f32'] as const;
/** One of {@link MAP_KERNELS}. */
export type MapKernel = (typeof MAP_KERNELS)[number];
/**
 * Runs `fn` over `n` elements at the given byte pointers (buffers padded to whole vectors): large
 * ones cut into ranges of whole vectors that the kernel module's two threads share, the same
 * arithmetic for every element either way.
 */
export type MapRunner = (fn: MapKernel, pointers: readonly number[], n: number) => void;

/** The functions of elementwise.c. */
export interface SimdExports {
  exp_f32(x: number, y: number, n: number): void;
  erf_f32(x: number, y: number, n: number): void;
  gelu_f32(x: number, y: number, n: number): void;
  gelu_grad_f32(x: number, dy: number, dx: number, n: number): void;
  sum_leading_f32(x: number, y: number, rows: number, cols: number): void;
}

/**
 * A float32 unary kernel (`exp_f32`, `erf_f32` or `gelu_f32`); other dtypes go to `fallback`, or
 * throw when there is none (the fused GELU's own kernel).
 */
export function makeUnary(fn: 'exp_f32' | 'erf_f32' | 'gelu_f32', heap: KernelHeap, fallback?: tf.KernelFunc): tf.KernelFunc {
  const other = (args: KernelArgs, why: string) => {
    if (fallback) return fallback(args);
    throw new Error(`${fn}: ${why}`);
  };
  return ((args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype !== 'float32') return other(args, `x is ${x.dtype}; it takes float32.`);
    const n = tf.util.sizeFromShape(x.shape);
    // Both buffers padded to whole vectors (the kernel reads and writes 4 floats at a time).
    const padded = roundUp4(n);
    const h = heap.reserve(2 * padded);
    if (!h) return other(args, `the kernel module cannot hold ${n} floats.`);
    const backend = args.backend as unknown as WasmBackendLike;
    h.heap.set(backend.typedArrayFromHeap(x), h.base);
    h.map(fn, [h.base * 4, (h.base + padded) * 4], n);
    const out = backend.makeOutput([...x.shape], 'float32');
    backend.typedArrayFromHeap(out).set(h.heap.subarray(h.base + padded, h.base + padded + n));
    return out;
  }) as unknown as tf.KernelFunc;
}

/** The fused GELU's gradient kernel: `dy * GELU'(x)` for float32 `x` and `dy` of one shape. */
export function makeGeluGrad(heap: KernelHeap): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    if (x.dtype !== 'float32' || dy.dtype !== 'float32' || x.shape.join(',') !== dy.shape.join(',')) {
      throw new Error(`gelu_grad_f32: x [${x.shape}] ${x.dtype} and dy [${dy.shape}] ${dy.dtype} must be float32 of one shape.`);
    }
    const n = tf.util.sizeFromShape(x.shape);
    const padded = roundUp4(n);
    const h = heap.reserve(3 * padded);
    if (!h) throw new Error(`gelu_grad_f32: the kernel module cannot hold ${3 * n} floats.`);
    const backend = args.backend as unknown as WasmBackendLike;
    h.heap.set(backend.typedArrayFromHeap(x), h.base);
    h.heap.set(backend.typedArrayFromHeap(dy), h.base + padded);
    const dx = h.base + 2 * padded;
    h.map('gelu_grad_f32', [h.base * 4, (h.base + padded) * 4, dx * 4], n);
    const out = backend.makeOutput([...x.shape], 'float32');
    backend.typedArrayFromHeap(out).set(h.heap.subarray(dx, dx + n));
    return out;
  }) as unknown as tf.KernelFunc;
}

/**
 * The axes a `Sum` reduces, when they are the leading ones in order (`[0, .., k)`, k < rank): the
 * input is then `[rows, cols]` with `rows` the product of those dims. Undefined for any other
 * reduction.
 */
export function leadingReduction(shape: readonly number[], axis: number | number[]): { rows: number; cols: number; outShape: number[] } | undefined {
  const rank = shape.length;
  // In the order given: the stock kernel sums over the axes in that order (transposing them last),
  // so [1, 0] is another order of summation than [0, 1], and is left to it.
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
  if (axes.length === 0 || axes.length >= rank || axes.some((a, i) => a !== i)) return undefined;
  const rows = shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
  const outShape = shape.slice(axes.length);
  return { rows, cols: outShape.reduce((a, b) => a * b, 1), outShape: [...outShape] };
}

/** `Sum` over leading axes of a float32 tensor; the stock kernel for everything else. */
export function makeSum(heap: KernelHeap, fallback: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    if (x.dtype !== 'float32') return fallback(args);
    const plan = leadingReduction(x.shape, axis);
    if (!plan || plan.rows === 0 || plan.cols === 0) return fallback(args);
    const size = plan.rows * plan.cols;
    const h = heap.reserve(roundUp4(size) + plan.cols);
    if (!h) return fallback(args);
    const backend = args.backend as unknown as WasmBackendLike;
    h.heap.set(backend.typedArrayFromHeap(x), h.base);
    const y = h.base + roundUp4(size);
    h.exports.sum_leading_f32(h.base * 4, y * 4, plan.rows, plan.cols);
    const reducedDims = x.shape.length - plan.outShape.length;
    const outShape = keepDims ? [...new Array<number>(reducedDims).fill(1), ...plan.outShape] : plan.outShape;
    const out = backend.makeOutput(outShape, 'float32');
    backend.typedArrayFromHeap(out).set(h.heap.subarray(y, y + plan.cols));
    return out;
  }) as unknown as tf.KernelFunc;
}
