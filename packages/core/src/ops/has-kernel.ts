import * as tf from '@tensorflow/tfjs';

/** Whether the current backend has a kernel registered under `name` (fused kernels are optional per backend). */
export function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}
