import * as tf from '@tensorflow/tfjs';
import { ATTENTION_KERNEL } from '../backend/kernels/attention-kernels.js';
import { wasmFastKernelsOn } from '../backend/kernels/fast-kernels.js';

/**
 * Whether {@link fusedSelfAttention} can run here for an input of this dtype: @jepa/core's fast
 * wasm kernels are on and no gradient is being recorded (the kernel has no gradient: inference, the
 * target encoder's forward pass).
 */
export function selfAttentionFuses(dtype: tf.DataType): boolean {
  return dtype === 'float32' && tf.getBackend() === 'wasm' && wasmFastKernelsOn() && !tf.engine().isTapeOn();
}

/**
 * Multi-head self-attention without a mask, from the fused q | k | v projection, in one kernel call
 * (check {@link selfAttentionFuses} first). It gives the bits of the separate ops (head transposes,
 * `q kᵀ`, the scale, softmax, the product with `v`): it runs the same products and softmax per head,
 * without the transposes and without the scores in tfjs's memory.
 *
 * @param qkv `[B, N, 3 * heads * headDim]`: queries, keys and values, each `[heads, headDim]` per token
 * @param heads the number of heads
 * @param scale the logit scale (`headDim ** -0.5`)
 * @returns `[B, N, heads * headDim]`: each head's `softmax(q kᵀ * scale) v`, heads side by side
 */
export function fusedSelfAttention(qkv: tf.Tensor3D, heads: number, scale: number): tf.Tensor3D {
  return tf.engine().runKernel(ATTENTION_KERNEL, { qkv }, { heads, scale }) as tf.Tensor3D;
}
