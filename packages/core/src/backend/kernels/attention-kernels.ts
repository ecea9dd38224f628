import * as tf from '@tensorflow/tfjs';
import { CTL } from './kernel-worker.js';
import type { KernelHeap } from './simd-kernels.js';
import { roundUp4, type KernelArgs, type WasmBackendLike } from './wasm-backend.js';

/**
 * `JepaAttention` ({@link ATTENTION_KERNEL}) for tfjs's wasm backend (issue 13), from
 * packages/core/kernels/wasm/attention.c, registered by fast-kernels.ts and used by `Attention` when
 * no gradient is recorded: from the fused q | k | v projection `[B, N, 3 * H * hd]` to the heads'
 * outputs `[B, N, H * hd]`, each batch and head by the unfused ops' products (the same rounding)
 * and a softmax of its own (within a few ulp of XNNPACK's), without the head transposes, the
 * `[B * H, N, N]` scores in tfjs's memory and four kernel calls. Batches are shared by the kernel
 * module's two threads.
 */

/** The functions of attention.c. */
export interface AttentionExports {
  attention_scratch_floats(tokens: number, hd: number): number;
  attention_f32(qkv: number, out: number, scratch: number, tokens: number, heads: number, hd: number, scale: number, b0: number, b1: number): void;
}

/** The fused attention forward kernel: inputs `{ qkv }`, attributes `{ heads, scale }`. */
export const ATTENTION_KERNEL = 'JepaAttention';

/** The {@link ATTENTION_KERNEL} kernel: throws for what it cannot take (its callers check first). */
export function makeAttention(heap: KernelHeap<AttentionExports>): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { qkv } = args.inputs as { qkv: tf.TensorInfo };
    const { heads, scale } = args.attrs as unknown as { heads: number; scale: number };
    const [batch, tokens, width] = qkv.shape as [number, number, number];
    if (qkv.dtype !== 'float32' || qkv.shape.length !== 3 || !Number.isInteger(heads) || heads < 1 || width % (3 * heads) !== 0 || batch * tokens === 0) {
      throw new Error(`${ATTENTION_KERNEL}: qkv must be float32 [B, N, 3 * heads * headDim] with heads >= 1 and no empty axis; got [${qkv.shape}] ${qkv.dtype} with ${heads} heads.`);
    }
    const d = width / 3;
    const hd = d / heads;
    const inLen = batch * tokens * width;
    const outLen = batch * tokens * d;
    const reserved = heap.reserve(0);
    if (!reserved) throw new Error(`${ATTENTION_KERNEL}: the fast wasm kernels are not loaded.`);
    const scratch = roundUp4(reserved.exports.attention_scratch_floats(tokens, hd));
    const threads = reserved.chunks ? 2 : 1;
    const h = heap.reserve(roundUp4(inLen) + roundUp4(outLen) + threads * scratch);
    if (!h) throw new Error(`${ATTENTION_KERNEL}: the kernel module cannot grow to hold [${qkv.shape}].`);
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput([batch, tokens, d], 'float32');
    // Views after makeOutput (it may grow the backend's heap).
    const src = backend.typedArrayFromHeap(qkv);
    const dst = backend.typedArrayFromHeap(out);
    const x = h.base;
    const y = x + roundUp4(inLen);
    const s0 = y + roundUp4(outLen);
    const f = h.exports.attention_f32;
    // Enough work per batch (2 products of N x N x hd per head) to share batches from two on.
    if (!h.chunks || batch < 2) {
      h.heap.set(src, x);
      f(x * 4, y * 4, s0 * 4, tokens, heads, hd, scale, 0, batch);
      dst.set(h.heap.subarray(y, y + outLen));
      return out;
    }
    const chunks = Math.min(batch, 4);
    const per = Math.ceil(batch / chunks);
    const range = (chunk: number): [number, number] => [chunk * per, Math.min(batch, chunk * per + per)];
    const rowIn = tokens * width;
    const rowOut = tokens * d;
    const scaleBits = new Int32Array(new Float32Array([scale]).buffer)[0]!;
    h.chunks(
      CTL.opAttention,
      [x * 4, y * 4, (s0 + scratch) * 4, tokens, heads, hd, scaleBits, batch, 0, 0, 0, 0, 0, per],
      Math.ceil(batch / per),
      (chunk) => {
        const [lo, hi] = range(chunk);
        f(x * 4, y * 4, s0 * 4, tokens, heads, hd, scale, lo, hi);
      },
      (chunk) => {
        const [lo, hi] = range(chunk);
        dst.set(h.heap.subarray(y + lo * rowOut, y + hi * rowOut), lo * rowOut);
      },
      (chunk) => {
        const [lo, hi] = range(chunk);
        h.heap.set(src.subarray(lo * rowIn, hi * rowIn), x + lo * rowIn);
      },
    );
    return out;
  }) as unknown as tf.KernelFunc;
}

/** The kernels of this file, registered on wasm when the fast kernels load. */
export function attentionKernels(heap: KernelHeap<AttentionExports>): tf.KernelConfig[] {
  return [{ kernelName: ATTENTION_KERNEL, backendName: 'wasm', kernelFunc: makeAttention(heap) }];
}
