import * as tf from '@tensorflow/tfjs';
import { hasKernel } from '../ops/has-kernel.js';
import { fusedLayerNorm, LAYER_NORM_GRAD_KERNEL, LAYER_NORM_KERNEL } from './layer-norm-kernels.js';
import { Module } from './module.js';

/**
 * Normalises over the last dimension with biased variance, as `torch.nn.functional.layer_norm`:
 * through one fused kernel each way where the backend has them (layer-norm-kernels.ts; the wasm
 * fast kernels), else tensor ops.
 *
 * @param x `[..., D]`
 */
export function layerNorm(x: tf.Tensor, eps: number, weight?: tf.Tensor, bias?: tf.Tensor): tf.Tensor {
  if (x.dtype === 'float32' && x.rank > 0 && hasKernel(LAYER_NORM_KERNEL) && hasKernel(LAYER_NORM_GRAD_KERNEL)) return fusedLayerNorm(x, eps, weight, bias);
  return tf.tidy(() => {
    const axis = x.rank - 1;
    const mean = tf.mean(x, axis, true);
    const centred = tf.sub(x, mean);
    const variance = tf.mean(tf.square(centred), axis, true);
    let y = tf.mul(centred, tf.rsqrt(tf.add(variance, eps)));
    if (weight) y = tf.mul(y, weight);
    if (bias) y = tf.add(y, bias);
    return y;
  });
}

/** LayerNorm with affine weight and bias (official JEPA eps: 1e-6). */
export class LayerNorm extends Module {
  /** Scale `[dim]`, initialised to ones. */
  readonly weight: tf.Variable;
  /** Shift `[dim]`, initialised to zeros. */
  readonly bias: tf.Variable;

  /**
   * @param dim Width of the normalised last dimension. @param eps Added to the variance before the square
   * root.
   */
  constructor(readonly dim: number, readonly eps = 1e-6) {
    super();
    this.weight = this.addParameter('weight', tf.ones([dim]));
    this.bias = this.addParameter('bias', tf.zeros([dim]));
  }

  /** Normalises the last dimension of `x` (mean 0, variance 1), then scales and shifts it. */
  apply<T extends tf.Tensor>(x: T): T {
    return layerNorm(x, this.eps, this.weight, this.bias) as T;
  }
}
