import type * as tf from '@tensorflow/tfjs';

/**
 * The parts of tfjs-backend-wasm's `BackendWasm` the fast kernels use. `View` is what a heap view
 * is read as: `Float32Array` for the float32-only kernels, any typed array for the copy kernels.
 */
export interface WasmBackendLike<View = Float32Array> {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): View;
  incRef(dataId: tf.DataId): void;
}

/** The arguments tfjs passes a kernel function. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];

/** `n` floats rounded up to whole 4-float vectors (16-byte aligned offsets in the kernel module). */
export const roundUp4 = (n: number): number => (n + 3) & ~3;

/** Lays out buffers of the given float counts one after another (each 16-byte aligned) from `base`. */
export function layout(base: number, sizes: number[]): { offsets: number[]; floats: number } {
  const offsets: number[] = [];
  let at = base;
  for (const n of sizes) {
    offsets.push(at);
    at += roundUp4(n);
  }
  return { offsets, floats: at - base };
}
