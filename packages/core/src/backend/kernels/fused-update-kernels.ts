import * as tf from '@tensorflow/tfjs';
import { ADAMW_KERNEL, EMA_KERNEL, adamwUpdateInto, emaInto, type AdamWScalars } from '../../optim/fused-updates.js';
import type { KernelHeap } from './simd-kernels.js';
import { roundUp4, type KernelArgs, type WasmBackendLike } from './wasm-backend.js';

/**
 * The fused optimizer kernels (optim/fused-updates.ts) for tfjs's wasm backend, one call per
 * parameter: an AdamW step of the bench model ran ~1,400 small kernels (a dozen per parameter) and
 * the EMA ~230. `JepaAdamW` and `JepaEma` copy their operands into the kernel module's memory, update
 * them in place there with SIMD128 (packages/core/kernels/wasm/fused-updates.c) and copy the results
 * out; the same arithmetic in plain JS (fused-updates.ts) is the fallback when the module's memory
 * cannot grow, and 1.5x slower than the tensor ops it replaces (measured), so it is only that.
 */

/** The functions of fused-updates.c. */
export interface FusedUpdateExports {
  adamw_f32(p: number, m: number, v: number, g: number, n: number, decay: number, d: number, b1: number, c1: number, b2: number, c2: number, s2: number, eps: number, k: number): void;
  ema_f32(t: number, o: number, n: number, a: number, b: number): void;
}

function checkFloat32(kernel: string, inputs: Record<string, tf.TensorInfo>): number[] {
  const entries = Object.entries(inputs);
  const shape = entries[0]![1].shape;
  for (const [name, t] of entries) {
    if (t.dtype !== 'float32') throw new Error(`${kernel}: input '${name}' is ${t.dtype}; the fused update takes float32.`);
    if (t.shape.length !== shape.length || t.shape.some((n, i) => n !== shape[i])) {
      throw new Error(`${kernel}: input '${name}' has shape [${t.shape}], expected [${shape}] like '${entries[0]![0]}'.`);
    }
  }
  return [...shape];
}

function makeAdamW(heap: KernelHeap<FusedUpdateExports>) {
  return (args: KernelArgs): tf.TensorInfo[] => {
    const inputs = args.inputs as { p: tf.TensorInfo; m: tf.TensorInfo; v: tf.TensorInfo; g: tf.TensorInfo };
    const shape = checkFloat32(ADAMW_KERNEL, inputs);
    const s = args.attrs as unknown as AdamWScalars;
    const backend = args.backend as unknown as WasmBackendLike;
    const outs = [backend.makeOutput(shape, 'float32'), backend.makeOutput(shape, 'float32'), backend.makeOutput(shape, 'float32')];
    // Views after every makeOutput (it may grow the heap).
    const [p, m, v, g] = [inputs.p, inputs.m, inputs.v, inputs.g].map((t) => backend.typedArrayFromHeap(t));
    const [outP, outM, outV] = outs.map((t) => backend.typedArrayFromHeap(t));
    const n = p!.length;
    const stride = roundUp4(n);
    const h = heap.reserve(4 * stride);
    if (!h) {
      adamwUpdateInto(p!, m!, v!, g!, outP!, outM!, outV!, s);
      return outs;
    }
    const [bp, bm, bv, bg] = [0, 1, 2, 3].map((i) => h.base + i * stride);
    h.heap.set(p!, bp);
    h.heap.set(m!, bm);
    h.heap.set(v!, bv);
    h.heap.set(g!, bg);
    // Numbers passed to f32 parameters are rounded to float32, as the ops' scalar tensors are.
    h.exports.adamw_f32(bp! * 4, bm! * 4, bv! * 4, bg! * 4, n, s.decay ? 1 : 0, s.decayFactor, s.beta1, s.oneMinusBeta1, s.beta2, s.oneMinusBeta2, s.sqrtBias2, s.eps, s.stepSize);
    outP!.set(h.heap.subarray(bp!, bp! + n));
    outM!.set(h.heap.subarray(bm!, bm! + n));
    outV!.set(h.heap.subarray(bv!, bv! + n));
    return outs;
  };
}

function makeEma(heap: KernelHeap<FusedUpdateExports>) {
  return (args: KernelArgs): tf.TensorInfo => {
    const inputs = args.inputs as { target: tf.TensorInfo; online: tf.TensorInfo };
    const shape = checkFloat32(EMA_KERNEL, inputs);
    const momentum = (args.attrs as { momentum: number }).momentum;
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput(shape, 'float32');
    const [t, o, y] = [inputs.target, inputs.online, out].map((x) => backend.typedArrayFromHeap(x));
    const n = t!.length;
    const stride = roundUp4(n);
    const h = heap.reserve(2 * stride);
    if (!h) {
      emaInto(t!, o!, y!, momentum);
      return out;
    }
    h.heap.set(t!, h.base);
    h.heap.set(o!, h.base + stride);
    h.exports.ema_f32(h.base * 4, (h.base + stride) * 4, n, momentum, 1 - momentum);
    y!.set(h.heap.subarray(h.base, h.base + n));
    return out;
  };
}

/** The fused kernels' configs for the wasm backend, over the kernel module's memory. */
export function fusedUpdateKernels(heap: KernelHeap<FusedUpdateExports>): tf.KernelConfig[] {
  return [
    { kernelName: ADAMW_KERNEL, backendName: 'wasm', kernelFunc: makeAdamW(heap) as unknown as tf.KernelFunc },
    { kernelName: EMA_KERNEL, backendName: 'wasm', kernelFunc: makeEma(heap) as unknown as tf.KernelFunc },
  ];
}
