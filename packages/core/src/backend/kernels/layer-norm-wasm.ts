import * as tf from '@tensorflow/tfjs';
import { LAYER_NORM_GRAD_KERNEL, LAYER_NORM_KERNEL, layerNormRows, layerNormRowsBackward } from '../../nn/layer-norm-kernels.js';
import type { KernelHeap } from './simd-kernels.js';
import { layout, type KernelArgs, type WasmBackendLike } from './wasm-backend.js';

/**
 * The fused layer-norm kernels (nn/layer-norm-kernels.ts) for tfjs's wasm backend: operands copied
 * into the kernel module's memory, normalised there in SIMD128 (packages/core/kernels/wasm/
 * layer-norm.c), results copied out. The plain-JS arithmetic of layer-norm-kernels.ts runs when the
 * module's memory cannot grow; it was slower than the tensor ops forward (4.0 ms against 1.8-2.7 ms
 * for [2048, 192], measured), which is why the C kernel exists.
 */

/** The functions of layer-norm.c. */
export interface LayerNormExports {
  layer_norm_f32(x: number, y: number, mean: number, rstd: number, w: number, b: number, rows: number, d: number, eps: number, hasW: number, hasB: number): void;
  layer_norm_grad_f32(x: number, mean: number, rstd: number, dy: number, w: number, dx: number, dw: number, db: number, rows: number, d: number, hasW: number): void;
}

function width(kernel: string, tensors: Record<string, tf.TensorInfo | undefined>, x: tf.TensorInfo, vectors: Record<string, tf.TensorInfo | undefined>): number {
  for (const [name, t] of Object.entries(tensors)) {
    if (t && t.dtype !== 'float32') throw new Error(`${kernel}: ${name} is ${t.dtype}; it takes float32.`);
  }
  const d = x.shape[x.shape.length - 1]!;
  for (const [name, t] of Object.entries(vectors)) {
    if (t && (t.shape.length !== 1 || t.shape[0] !== d)) throw new Error(`${kernel}: ${name} has shape [${t.shape}]; expected [${d}] (the last dimension of x, [${x.shape}]).`);
  }
  return d;
}

function makeForward(heap: KernelHeap<LayerNormExports>) {
  return (args: KernelArgs): tf.TensorInfo[] => {
    const { x, weight, bias } = args.inputs as { x: tf.TensorInfo; weight?: tf.TensorInfo; bias?: tf.TensorInfo };
    const d = width(LAYER_NORM_KERNEL, { x, weight, bias }, x, { weight, bias });
    const n = tf.util.sizeFromShape(x.shape);
    const rows = d === 0 ? 0 : n / d;
    const eps = (args.attrs as { eps: number }).eps;
    const backend = args.backend as unknown as WasmBackendLike;
    const outs = [backend.makeOutput([...x.shape], 'float32'), backend.makeOutput([rows], 'float32'), backend.makeOutput([rows], 'float32')];
    // Views after every makeOutput (it may grow the backend's heap).
    const view = (t: tf.TensorInfo | undefined) => (t ? backend.typedArrayFromHeap(t) : undefined);
    const [y, mean, rstd] = outs.map((t) => backend.typedArrayFromHeap(t));
    const plan = layout(0, [n, n, rows, rows, d, d]);
    const h = n === 0 ? undefined : heap.reserve(plan.floats);
    if (!h) {
      layerNormRows(view(x)!, d, eps, view(weight), view(bias), y!, mean!, rstd!);
      return outs;
    }
    const [ox, oy, om, or, ow, ob] = plan.offsets.map((o) => o + h.base) as [number, number, number, number, number, number];
    h.heap.set(view(x)!, ox);
    if (weight) h.heap.set(view(weight)!, ow);
    if (bias) h.heap.set(view(bias)!, ob);
    h.exports.layer_norm_f32(ox * 4, oy * 4, om * 4, or * 4, ow * 4, ob * 4, rows, d, eps, weight ? 1 : 0, bias ? 1 : 0);
    y!.set(h.heap.subarray(oy, oy + n));
    mean!.set(h.heap.subarray(om, om + rows));
    rstd!.set(h.heap.subarray(or, or + rows));
    return outs;
  };
}

function makeBackward(heap: KernelHeap<LayerNormExports>) {
  return (args: KernelArgs): tf.TensorInfo[] => {
    const { x, mean, rstd, dy, weight } = args.inputs as { x: tf.TensorInfo; mean: tf.TensorInfo; rstd: tf.TensorInfo; dy: tf.TensorInfo; weight?: tf.TensorInfo };
    const d = width(LAYER_NORM_GRAD_KERNEL, { x, mean, rstd, dy, weight }, x, { weight });
    const n = tf.util.sizeFromShape(x.shape);
    const rows = d === 0 ? 0 : n / d;
    const backend = args.backend as unknown as WasmBackendLike;
    const outs = [backend.makeOutput([...x.shape], 'float32'), backend.makeOutput([d], 'float32'), backend.makeOutput([d], 'float32')];
    const view = (t: tf.TensorInfo | undefined) => (t ? backend.typedArrayFromHeap(t) : undefined);
    const [dx, dw, db] = outs.map((t) => backend.typedArrayFromHeap(t));
    const plan = layout(0, [n, rows, rows, n, d, n, d, d]);
    const h = n === 0 ? undefined : heap.reserve(plan.floats);
    if (!h) {
      layerNormRowsBackward(view(x)!, d, view(mean)!, view(rstd)!, view(dy)!, view(weight), dx!, dw, db);
      return outs;
    }
    const [ox, om, or, ody, ow, odx, odw, odb] = plan.offsets.map((o) => o + h.base) as [number, number, number, number, number, number, number, number];
    h.heap.set(view(x)!, ox);
    h.heap.set(view(mean)!, om);
    h.heap.set(view(rstd)!, or);
    h.heap.set(view(dy)!, ody);
    if (weight) h.heap.set(view(weight)!, ow);
    h.exports.layer_norm_grad_f32(ox * 4, om * 4, or * 4, ody * 4, ow * 4, odx * 4, odw * 4, odb * 4, rows, d, weight ? 1 : 0);
    dx!.set(h.heap.subarray(odx, odx + n));
    dw!.set(h.heap.subarray(odw, odw + d));
    db!.set(h.heap.subarray(odb, odb + d));
    return outs;
  };
}

/** The fused layer-norm kernels' configs for the wasm backend, over the kernel module's memory. */
export function layerNormWasmKernels(heap: KernelHeap<LayerNormExports>): tf.KernelConfig[] {
  return [
    { kernelName: LAYER_NORM_KERNEL, backendName: 'wasm', kernelFunc: makeForward(heap) as unknown as tf.KernelFunc },
    { kernelName: LAYER_NORM_GRAD_KERNEL, backendName: 'wasm', kernelFunc: makeBackward(heap) as unknown as tf.KernelFunc },
  ];
}
