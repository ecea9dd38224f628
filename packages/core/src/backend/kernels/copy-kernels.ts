import * as tf from '@tensorflow/tfjs';
import type { KernelArgs, WasmBackendLike } from './wasm-backend.js';

/**
 * Data-movement kernels for tfjs's wasm backend (issue 13), registered over the stock ones by
 * fast-kernels.ts. The stock kernels copy where nothing needs copying or copy a whole input to read
 * part of it:
 * - `Identity` copied its input; the engine runs it for every tensor it saves for the backward pass
 *   (about 900 times a training step of the bench model), doubling what the tape holds. Here the
 *   output shares the input's data (tensors are immutable; the backend counts references), as
 *   tfjs's cpu backend and the wasm `Reshape` do.
 * - `Slice` read its input through `readSync`, a copy of the whole tensor, for each slice (1.4 ms
 *   to cut a third of a [192, 576] weight); here it copies the runs it needs straight from the heap.
 * - `Tile` ran a per-element loop (10 ms for [1, 64, 96] -> [32, 64, 96]); here it copies rows.
 * - `GatherV2` ran a per-element loop in C (1.5 ms to pick 288 rows of 192 floats); here it copies
 *   each picked slice whole (batchDims 0; the stock kernel otherwise).
 * Each falls back to the stock kernel for strings. (A `Transpose` that moved rows in JS was slower
 * than the stock C kernel on the attention's [128, 22, 3, 32] head split: 0.56-1.5 ms against
 * 0.09-0.28 ms, measured; tfjs's stays.)
 */

/** A flat typed array: a tensor's data on the heap, or a test's buffer. */
export type Flat = Float32Array | Int32Array | Uint8Array;

/**
 * Copies `len` elements from `src[from..]` to `dst[to..]`: element by element for short runs (a
 * subarray view costs more than copying a few dozen numbers: 4.5 ms for 8,448 rows of 32 floats
 * through views, measured), with `set` on a view for long ones.
 */
export function copyRun(src: Flat, from: number, dst: Flat, to: number, len: number): void {
  if (len < 256) {
    for (let i = 0; i < len; i++) dst[to + i] = src[from + i]!;
  } else {
    dst.set(src.subarray(from, from + len), to);
  }
}

/** `Identity` that shares its input's data instead of copying it. */
export function makeIdentity(fallback: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') return fallback(args);
    (args.backend as unknown as WasmBackendLike<Flat>).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  }) as unknown as tf.KernelFunc;
}

/**
 * Copies the box `begin`..`begin + size` of a row-major array of shape `shape` into `out`: runs of
 * the innermost dimensions that the box spans whole are copied in one piece.
 */
export function copyBox(x: Flat, shape: readonly number[], begin: readonly number[], size: readonly number[], out: Flat): void {
  const rank = shape.length;
  const strides = tf.util.computeStrides([...shape]);
  // The box is contiguous over dims [inner, rank): those after `inner` are taken whole.
  let inner = rank - 1;
  while (inner > 0 && size[inner] === shape[inner]) inner--;
  let run = 1;
  for (let d = inner; d < rank; d++) run *= size[d]!;
  const innerStride = inner < rank - 1 ? strides[inner]! : 1;
  if (rank === 0) {
    out.set(x.subarray(0, 1), 0);
    return;
  }
  if (size.some((n) => n === 0)) return;
  const base = begin[inner]! * innerStride;
  // Odometer over the outer dims [0, inner).
  const idx = new Array<number>(inner).fill(0);
  let offset = 0;
  for (let d = 0; d < inner; d++) offset += begin[d]! * strides[d]!;
  for (let o = 0; ; o += run) {
    copyRun(x, offset + base, out, o, run);
    let d = inner - 1;
    for (; d >= 0; d--) {
      idx[d]!++;
      offset += strides[d]!;
      if (idx[d]! < size[d]!) break;
      offset -= size[d]! * strides[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** `Slice` that copies the box's runs straight from the wasm heap. */
export function makeSlice(fallback: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') return fallback(args);
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    const backend = args.backend as unknown as WasmBackendLike<Flat>;
    const out = backend.makeOutput(s, x.dtype);
    // makeOutput may grow the heap: take the input's view after it.
    copyBox(backend.typedArrayFromHeap(x), x.shape, b, s, backend.typedArrayFromHeap(out));
    return out;
  }) as unknown as tf.KernelFunc;
}

/**
 * `SplitV` that cuts each part with {@link copyBox}. The stock kernel ran the stock `Slice` per part
 * (a `readSync` copy of the whole input, then a per-element loop): 0.7-12 ms to cut the predictor's
 * `[128, 27, 96]` gradient in two, against ~0.3 ms here.
 */
export function makeSplitV(fallback: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') return fallback(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
    const a = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, a);
    const backend = args.backend as unknown as WasmBackendLike<Flat>;
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((n) => {
      const size = [...x.shape];
      size[a] = n;
      const out = backend.makeOutput(size, x.dtype);
      // makeOutput may grow the heap: take the input's view after it.
      copyBox(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
      begin[a]! += n;
      return out;
    });
  }) as unknown as tf.KernelFunc;
}

/** Writes `x` (shape `shape`) tiled `reps` times per dimension into `out`, one source row at a time. */
export function tileInto(x: Flat, shape: readonly number[], reps: readonly number[], out: Flat): void {
  const rank = shape.length;
  if (rank === 0) {
    out.set(x.subarray(0, 1), 0);
    return;
  }
  const row = shape[rank - 1]!;
  const rowReps = reps[rank - 1]!;
  const outShape = shape.map((n, d) => n * reps[d]!);
  const strides = tf.util.computeStrides([...shape]);
  let rows = 1;
  for (let d = 0; d < rank - 1; d++) rows *= outShape[d]!;
  if (row === 0 || rowReps === 0) return;
  const idx = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let src = 0;
  let o = 0;
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < rowReps; k++, o += row) copyRun(x, src, out, o, row);
    // Next output row: its source row wraps modulo the input's extent in each dim.
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      const wrapped = idx[d]! % shape[d]! === 0;
      src += wrapped ? (1 - shape[d]!) * strides[d]! : strides[d]!;
      if (idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
}

/** `Tile` that copies whole rows of the input. */
export function makeTile(fallback: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') return fallback(args);
    const { reps } = args.attrs as unknown as { reps: number[] };
    const backend = args.backend as unknown as WasmBackendLike<Flat>;
    const out = backend.makeOutput(x.shape.map((n, d) => n * reps[d]!), x.dtype);
    tileInto(backend.typedArrayFromHeap(x), x.shape, reps, backend.typedArrayFromHeap(out));
    return out;
  }) as unknown as tf.KernelFunc;
}

/**
 * Gathers along `axis` (batch dims 0): for each of the `outer` leading blocks, copies slice
 * `indices[i]` (`slice` floats) of its `dim` slices, in index order. Throws for an index out of
 * range, as the stock kernel does.
 */
export function gatherSlicesInto(x: Flat, outer: number, dim: number, slice: number, indices: ArrayLike<number>, out: Flat): void {
  const n = indices.length;
  for (let i = 0; i < n; i++) {
    const index = indices[i]!;
    if (!(index >= 0 && index <= dim - 1)) throw new Error(`GatherV2: the index value ${index} is not in [0, ${dim - 1}]`);
  }
  let o = 0;
  for (let b = 0; b < outer; b++) {
    const base = b * dim * slice;
    for (let i = 0; i < n; i++, o += slice) {
      copyRun(x, base + indices[i]! * slice, out, o, slice);
    }
  }
}

/** `GatherV2` (batch dims 0) that copies whole slices; the stock kernel otherwise. */
export function makeGatherV2(fallback: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
    if (x.dtype === 'string' || (batchDims ?? 0) !== 0 || x.shape.length === 0) return fallback(args);
    const a = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const outer = x.shape.slice(0, a).reduce((p, q) => p * q, 1);
    const slice = x.shape.slice(a + 1).reduce((p, q) => p * q, 1);
    const backend = args.backend as unknown as WasmBackendLike<Flat>;
    const out = backend.makeOutput([...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)], x.dtype);
    gatherSlicesInto(backend.typedArrayFromHeap(x), outer, x.shape[a]!, slice, backend.typedArrayFromHeap(indices), backend.typedArrayFromHeap(out));
    return out;
  }) as unknown as tf.KernelFunc;
}
