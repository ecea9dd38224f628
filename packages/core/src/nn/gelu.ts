import * as tf from '@tensorflow/tfjs';
import { hasKernel } from '../ops/has-kernel.js';

/** Kernel `JepaGelu`: input `{ x }` (float32), output GELU(x). Optional per backend (the wasm fast kernels have it). */
export const GELU_KERNEL = 'JepaGelu';
/** Kernel `JepaGeluGrad`: inputs `{ x, dy }`, output `dy * GELU'(x)`. */
export const GELU_GRAD_KERNEL = 'JepaGeluGrad';

/**
 * Exact GELU, `0.5 x (1 + erf(x / sqrt 2))`, as PyTorch's default `nn.GELU()`: one fused kernel each
 * way (one tape node) where the backend has the `JepaGelu` and `JepaGeluGrad` kernels, else
 * tensor ops (five forward, about ten backward).
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  if (x.dtype === 'float32' && hasKernel(GELU_KERNEL) && hasKernel(GELU_GRAD_KERNEL)) return fusedGelu(x);
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))));
}

function fusedGelu(x: tf.Tensor): tf.Tensor {
  const op = tf.customGrad(((xi: tf.Tensor, save: tf.GradSaveFunc) => {
    save([xi]);
    return {
      value: tf.engine().runKernel(GELU_KERNEL, { x: xi }) as tf.Tensor,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(GELU_GRAD_KERNEL, { x: saved[0]!, dy }) as tf.Tensor,
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (op as unknown as (t: tf.Tensor) => tf.Tensor)(x);
}
