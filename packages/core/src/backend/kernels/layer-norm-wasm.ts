import * as tf from '@tensorflow/tfjs';
import { LAYER_NORM_GRAD_KERNEL, LAYER_NORM_KERNEL, layerNormRows, layerNormRowsBackward } from '../../nn/layer-norm-kernels.js';

/**
 * The fused layer-norm kernels (nn/layer-norm-kernels.ts) for tfjs's wasm backend: plain JS over
 * views of the wasm heap, no copies.
 */

/** The parts of tfjs-backend-wasm's `BackendWasm` these kernels use. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

function width(kernel: string, x: tf.TensorInfo, vectors: Record<string, tf.TensorInfo | undefined>): number {
  const d = x.shape[x.shape.length - 1]!;
  for (const [name, t] of Object.entries(vectors)) {
    if (t && (t.shape.length !== 1 || t.shape[0] !== d)) throw new Error(`${kernel}: ${name} has shape [${t.shape}]; expected [${d}] (the last dimension of x, [${x.shape}]).`);
  }
  return d;
}

function forward(args: KernelArgs): tf.TensorInfo[] {
  const { x, weight, bias } = args.inputs as { x: tf.TensorInfo; weight?: tf.TensorInfo; bias?: tf.TensorInfo };
  const d = width(LAYER_NORM_KERNEL, x, { weight, bias });
  const rows = d === 0 ? 0 : tf.util.sizeFromShape(x.shape) / d;
  const backend = args.backend as unknown as WasmBackendLike;
  const outs = [backend.makeOutput([...x.shape], 'float32'), backend.makeOutput([rows], 'float32'), backend.makeOutput([rows], 'float32')];
  const view = (t: tf.TensorInfo | undefined) => (t ? backend.typedArrayFromHeap(t) : undefined);
  const [y, mean, rstd] = outs.map((t) => backend.typedArrayFromHeap(t));
  layerNormRows(view(x)!, d, (args.attrs as { eps: number }).eps, view(weight), view(bias), y!, mean!, rstd!);
  return outs;
}

function backward(args: KernelArgs): tf.TensorInfo[] {
  const { x, mean, rstd, dy, weight } = args.inputs as { x: tf.TensorInfo; mean: tf.TensorInfo; rstd: tf.TensorInfo; dy: tf.TensorInfo; weight?: tf.TensorInfo };
  const d = width(LAYER_NORM_GRAD_KERNEL, x, { weight });
  const backend = args.backend as unknown as WasmBackendLike;
  const outs = [backend.makeOutput([...x.shape], 'float32'), backend.makeOutput([d], 'float32'), backend.makeOutput([d], 'float32')];
  const view = (t: tf.TensorInfo | undefined) => (t ? backend.typedArrayFromHeap(t) : undefined);
  const [dx, dw, db] = outs.map((t) => backend.typedArrayFromHeap(t));
  layerNormRowsBackward(view(x)!, d, view(mean)!, view(rstd)!, view(dy)!, view(weight), dx!, dw, db);
  return outs;
}

/** The fused layer-norm kernels' configs for the wasm backend. */
export const LAYER_NORM_WASM_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: LAYER_NORM_KERNEL, backendName: 'wasm', kernelFunc: forward as unknown as tf.KernelFunc },
  { kernelName: LAYER_NORM_GRAD_KERNEL, backendName: 'wasm', kernelFunc: backward as unknown as tf.KernelFunc },
];
