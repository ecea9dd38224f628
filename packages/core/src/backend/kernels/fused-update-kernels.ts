import * as tf from '@tensorflow/tfjs';
import { ADAMW_KERNEL, EMA_KERNEL, adamwUpdateInto, emaInto, type AdamWScalars } from '../../optim/fused-updates.js';

/**
 * The fused optimizer kernels (optim/fused-updates.ts) for tfjs's wasm backend: `JepaAdamW` and
 * `JepaEma` read their operands from the wasm heap and write new outputs there, one call per
 * parameter. An AdamW step of the bench model ran ~1,400 small kernels (a dozen per parameter) and
 * the EMA ~230; each now runs one.
 */

/** The parts of tfjs-backend-wasm's `BackendWasm` these kernels use. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

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

function adamw(args: KernelArgs): tf.TensorInfo[] {
  const inputs = args.inputs as { p: tf.TensorInfo; m: tf.TensorInfo; v: tf.TensorInfo; g: tf.TensorInfo };
  const shape = checkFloat32(ADAMW_KERNEL, inputs);
  const backend = args.backend as unknown as WasmBackendLike;
  const outs = [backend.makeOutput(shape, 'float32'), backend.makeOutput(shape, 'float32'), backend.makeOutput(shape, 'float32')];
  // Views after every makeOutput (it may grow the heap).
  const [p, m, v, g] = [inputs.p, inputs.m, inputs.v, inputs.g].map((t) => backend.typedArrayFromHeap(t));
  const [outP, outM, outV] = outs.map((t) => backend.typedArrayFromHeap(t));
  adamwUpdateInto(p!, m!, v!, g!, outP!, outM!, outV!, args.attrs as unknown as AdamWScalars);
  return outs;
}

function ema(args: KernelArgs): tf.TensorInfo {
  const inputs = args.inputs as { target: tf.TensorInfo; online: tf.TensorInfo };
  const shape = checkFloat32(EMA_KERNEL, inputs);
  const backend = args.backend as unknown as WasmBackendLike;
  const out = backend.makeOutput(shape, 'float32');
  emaInto(backend.typedArrayFromHeap(inputs.target), backend.typedArrayFromHeap(inputs.online), backend.typedArrayFromHeap(out), (args.attrs as { momentum: number }).momentum);
  return out;
}

/** The fused kernels' configs for the wasm backend. */
export const FUSED_UPDATE_KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: ADAMW_KERNEL, backendName: 'wasm', kernelFunc: adamw as unknown as tf.KernelFunc },
  { kernelName: EMA_KERNEL, backendName: 'wasm', kernelFunc: ema as unknown as tf.KernelFunc },
];
