import * as tf from '@tensorflow/tfjs';
import { CTL } from './kernel-worker.js';
import type { KernelHeap } from './simd-kernels.js';
import { layout, type KernelArgs, type WasmBackendLike } from './wasm-backend.js';

/**
 * Multi-head self-attention kernels for tfjs's wasm backend (issue 13), from
 * packages/core/kernels/wasm/attention.c, registered by fast-kernels.ts and used by `Attention`
 * (ops/fused-attention.ts): from the fused q | k | v projection `[B, N, 3 * H * hd]` to the heads'
 * outputs `[B, N, H * hd]`, each batch and head by the unfused ops' products (the same rounding) and
 * a softmax of its own (within a few ulp of XNNPACK's), without the head transposes, the
 * `[B * H, N, N]` scores in tfjs's memory and the kernel calls between. Batches are shared by the
 * kernel module's two threads.
 * - {@link ATTENTION_KERNEL}: the output alone (no gradient recorded);
 * - {@link ATTENTION_TRAIN_KERNEL}: the output and the softmax weights `[B, H, N, N]`, which
 * - {@link ATTENTION_GRAD_KERNEL} takes with `qkv` and the output's gradient to give `qkv`'s.
 */

/** The functions of attention.c. */
export interface AttentionExports {
  attention_scratch_floats(tokens: number, hd: number): number;
  attention_f32(qkv: number, out: number, weights: number, scratch: number, tokens: number, heads: number, hd: number, scale: number, b0: number, b1: number): void;
  attention_grad_scratch_floats(tokens: number, hd: number): number;
  attention_grad_f32(qkv: number, weights: number, dout: number, dqkv: number, scratch: number, tokens: number, heads: number, hd: number, scale: number, b0: number, b1: number): void;
}

/** Attention's output: inputs `{ qkv }`, attributes `{ heads, scale }`. */
export const ATTENTION_KERNEL = 'JepaAttention';
/** Attention's output and softmax weights `[B, H, N, N]`: inputs `{ qkv }`, attributes `{ heads, scale }`. */
export const ATTENTION_TRAIN_KERNEL = 'JepaAttentionTrain';
/** The gradient with respect to `qkv`: inputs `{ qkv, weights, dy }`, attributes `{ heads, scale }`. */
export const ATTENTION_GRAD_KERNEL = 'JepaAttentionGrad';

/** The sizes of an attention call from `qkv`'s shape; throws for what the kernels cannot take. */
function sizes(kernel: string, qkv: tf.TensorInfo, heads: number): { batch: number; tokens: number; d: number; hd: number } {
  const [batch, tokens, width] = qkv.shape as [number, number, number];
  if (qkv.dtype !== 'float32' || qkv.shape.length !== 3 || !Number.isInteger(heads) || heads < 1 || width % (3 * heads) !== 0 || batch * tokens === 0) {
    throw new Error(`${kernel}: qkv must be float32 [B, N, 3 * heads * headDim] with heads >= 1 and no empty axis; got [${qkv.shape}] ${qkv.dtype} with ${heads} heads.`);
  }
  return { batch, tokens, d: width / 3, hd: width / 3 / heads };
}

/** A tensor's data, where it goes in the kernel module's heap, and its floats per batch. */
interface Part {
  readonly view: Float32Array;
  readonly at: number;
  readonly perBatch: number;
}

/**
 * Copies `inputs` in, runs `fn(lo, hi, scratch)` over batches and copies `outputs` out: on this
 * thread, or in chunks of batches on both (each chunk's inputs copied in after the worker is woken,
 * its outputs copied out as soon as it is done). `args` are the worker's arguments (attention op).
 */
function runOverBatches(h: NonNullable<ReturnType<KernelHeap<AttentionExports>['reserve']>>, batch: number, inputs: Part[], outputs: Part[], scratch: [number, number], args: number[], fn: (lo: number, hi: number, scratch: number) => void): void {
  const copyIn = (lo: number, hi: number) => {
    for (const p of inputs) h.heap.set(p.view.subarray(lo * p.perBatch, hi * p.perBatch), p.at + lo * p.perBatch);
  };
  const copyOut = (lo: number, hi: number) => {
    for (const p of outputs) p.view.set(h.heap.subarray(p.at + lo * p.perBatch, p.at + hi * p.perBatch), lo * p.perBatch);
  };
  if (!h.chunks || batch < 2) {
    copyIn(0, batch);
    fn(0, batch, scratch[0]);
    copyOut(0, batch);
    return;
  }
  const per = Math.ceil(batch / Math.min(batch, 4));
  const range = (chunk: number): [number, number] => [chunk * per, Math.min(batch, chunk * per + per)];
  args[3] = scratch[1] * 4;
  args[13] = per;
  h.chunks(CTL.opAttention, args, Math.ceil(batch / per), (chunk) => fn(...range(chunk), scratch[0]), (chunk) => copyOut(...range(chunk)), (chunk) => copyIn(...range(chunk)));
}

/**
 * Reserves room in the kernel module for buffers of `lengths` floats and two scratch areas of
 * `scratchOf` floats (one per thread), each 16-byte aligned; returns the heap and their float
 * indices in that order. Throws when the module is not loaded or cannot grow.
 */
function reserve(heap: KernelHeap<AttentionExports>, kernel: string, qkv: tf.TensorInfo, lengths: number[], scratchOf: (e: AttentionExports) => number) {
  const loaded = heap.reserve(0);
  if (!loaded) throw new Error(`${kernel}: the fast wasm kernels are not loaded.`);
  const scratch = scratchOf(loaded.exports);
  const plan = layout(0, [...lengths, scratch, scratch]);
  const h = heap.reserve(plan.floats);
  if (!h) throw new Error(`${kernel}: the kernel module cannot grow to hold [${qkv.shape}].`);
  return { h, at: plan.offsets.map((o) => o + h.base) };
}

const floatBits = (x: number) => new Int32Array(new Float32Array([x]).buffer)[0]!;

function makeForward(heap: KernelHeap<AttentionExports>, kernel: string, withWeights: boolean): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { qkv } = args.inputs as { qkv: tf.TensorInfo };
    const { heads, scale } = args.attrs as unknown as { heads: number; scale: number };
    const { batch, tokens, d, hd } = sizes(kernel, qkv, heads);
    const lengths = [batch * tokens * 3 * d, batch * tokens * d, withWeights ? batch * heads * tokens * tokens : 0];
    const { h, at } = reserve(heap, kernel, qkv, lengths, (e) => e.attention_scratch_floats(tokens, hd));
    const [x, y, w, s0, s1] = at as [number, number, number, number, number];
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput([batch, tokens, d], 'float32');
    const weights = withWeights ? backend.makeOutput([batch, heads, tokens, tokens], 'float32') : undefined;
    // Views after makeOutput (it may grow the backend's heap).
    const outputs: Part[] = [{ view: backend.typedArrayFromHeap(out), at: y, perBatch: tokens * d }];
    if (weights) outputs.push({ view: backend.typedArrayFromHeap(weights), at: w, perBatch: heads * tokens * tokens });
    const wPtr = weights ? w * 4 : 0;
    runOverBatches(h, batch, [{ view: backend.typedArrayFromHeap(qkv), at: x, perBatch: tokens * 3 * d }], outputs, [s0, s1],
      [x * 4, y * 4, wPtr, 0, tokens, heads, hd, floatBits(scale), batch, 0, 0, 0, 0, 0],
      (lo, hi, s) => h.exports.attention_f32(x * 4, y * 4, wPtr, s * 4, tokens, heads, hd, scale, lo, hi));
    return weights ? [out, weights] : out;
  }) as unknown as tf.KernelFunc;
}

function makeGrad(heap: KernelHeap<AttentionExports>): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { qkv, weights, dy } = args.inputs as { qkv: tf.TensorInfo; weights: tf.TensorInfo; dy: tf.TensorInfo };
    const { heads, scale } = args.attrs as unknown as { heads: number; scale: number };
    const { batch, tokens, d, hd } = sizes(ATTENTION_GRAD_KERNEL, qkv, heads);
    if (weights.shape.join(',') !== [batch, heads, tokens, tokens].join(',') || dy.shape.join(',') !== [batch, tokens, d].join(',') || weights.dtype !== 'float32' || dy.dtype !== 'float32') {
      throw new Error(`${ATTENTION_GRAD_KERNEL}: weights [${weights.shape}] and dy [${dy.shape}] do not match qkv [${qkv.shape}] with ${heads} heads.`);
    }
    const lengths = [batch * tokens * 3 * d, batch * heads * tokens * tokens, batch * tokens * d, batch * tokens * 3 * d];
    const { h, at } = reserve(heap, ATTENTION_GRAD_KERNEL, qkv, lengths, (e) => e.attention_grad_scratch_floats(tokens, hd));
    const [x, w, g, dx, s0, s1] = at as [number, number, number, number, number, number];
    const backend = args.backend as unknown as WasmBackendLike;
    const dqkv = backend.makeOutput([batch, tokens, 3 * d], 'float32');
    const inputs: Part[] = [
      { view: backend.typedArrayFromHeap(qkv), at: x, perBatch: tokens * 3 * d },
      { view: backend.typedArrayFromHeap(weights), at: w, perBatch: heads * tokens * tokens },
      { view: backend.typedArrayFromHeap(dy), at: g, perBatch: tokens * d },
    ];
    runOverBatches(h, batch, inputs, [{ view: backend.typedArrayFromHeap(dqkv), at: dx, perBatch: tokens * 3 * d }], [s0, s1],
      [x * 4, dx * 4, w * 4, 0, tokens, heads, hd, floatBits(scale), batch, 1, g * 4, 0, 0, 0],
      (lo, hi, s) => h.exports.attention_grad_f32(x * 4, w * 4, g * 4, dx * 4, s * 4, tokens, heads, hd, scale, lo, hi));
    return dqkv;
  }) as unknown as tf.KernelFunc;
}

/** The kernels of this file, registered on wasm when the fast kernels load. */
export function attentionKernels(heap: KernelHeap<AttentionExports>): tf.KernelConfig[] {
  return [
    { kernelName: ATTENTION_KERNEL, backendName: 'wasm', kernelFunc: makeForward(heap, ATTENTION_KERNEL, false) },
    { kernelName: ATTENTION_TRAIN_KERNEL, backendName: 'wasm', kernelFunc: makeForward(heap, ATTENTION_TRAIN_KERNEL, true) },
    { kernelName: ATTENTION_GRAD_KERNEL, backendName: 'wasm', kernelFunc: makeGrad(heap) },
  ];
}
