import * as tf from '@tensorflow/tfjs';
import { ATTENTION_GRAD_KERNEL, ATTENTION_KERNEL, ATTENTION_TRAIN_KERNEL } from '../backend/kernels/attention-kernels.js';
import { wasmFastKernelsActive } from '../backend/kernels/fast-kernels.js';

/**
 * Whether {@link fusedSelfAttention} can run here for an input of this dtype: @jepa/core's fast
 * wasm kernels are on.
 */
export function selfAttentionFuses(dtype: tf.DataType): boolean {
  return dtype === 'float32' && wasmFastKernelsActive();
}

/**
 * Multi-head self-attention without a mask, from the fused q | k | v projection, in one kernel call
 * (check {@link selfAttentionFuses} first), with a gradient of its own (one more kernel, from the
 * softmax weights the forward call saves) when a tape records. Per head it runs the separate ops'
 * products and scale (their rounding) and a softmax of its own (within a few ulp of tfjs's), without
 * the head transposes and without the scores in tfjs's memory.
 *
 * @param qkv `[B, N, 3 * heads * headDim]`: queries, keys and values, each `[heads, headDim]` per token
 * @param heads the number of heads
 * @param scale the logit scale (`headDim ** -0.5`)
 * @returns `[B, N, heads * headDim]`: each head's `softmax(q kᵀ * scale) v`, heads side by side
 */
export function fusedSelfAttention(qkv: tf.Tensor3D, heads: number, scale: number): tf.Tensor3D {
  const attrs = { heads, scale };
  if (!tf.engine().isTapeOn()) return tf.engine().runKernel(ATTENTION_KERNEL, { qkv }, attrs) as tf.Tensor3D;
  const withGradient = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const [out, weights] = tf.engine().runKernel(ATTENTION_TRAIN_KERNEL, { qkv: x }, attrs) as tf.Tensor[];
    save([x, weights!]);
    return {
      value: out!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(ATTENTION_GRAD_KERNEL, { qkv: saved[0]!, weights: saved[1]!, dy }, attrs) as tf.Tensor,
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return withGradient(qkv) as tf.Tensor3D;
}
