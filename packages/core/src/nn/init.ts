import * as tf from '@tensorflow/tfjs';

/**
 * Truncated normal init as PyTorch's `trunc_normal_(std)` with the official JEPA bounds
 * (`a=-2, b=2` absolute, which for std 0.02 never truncates in practice).
 */
export function truncatedNormal(shape: number[], std = 0.02, seed?: number): tf.Tensor {
  return tf.truncatedNormal(shape, 0, std, 'float32', seed);
}
