import * as tf from '@tensorflow/tfjs';

let initSeed: number | null = null;

/**
 * Builds modules with reproducible initial weights, as `torch.manual_seed` before construction:
 * every truncated-normal init inside `build` draws from a seed derived from `seed` and its order.
 */
export function withInitSeed<T>(seed: number, build: () => T): T {
  const previous = initSeed;
  initSeed = seed * 1_000_003;
  try {
    return build();
  } finally {
    initSeed = previous;
  }
}

/**
 * Truncated normal init as PyTorch's `trunc_normal_(std)` with the official JEPA bounds
 * (`a=-2, b=2` absolute, which for std 0.02 never truncates in practice).
 */
export function truncatedNormal(shape: number[], std = 0.02, seed?: number): tf.Tensor {
  const s = seed ?? (initSeed === null ? undefined : initSeed++);
  return tf.truncatedNormal(shape, 0, std, 'float32', s);
}
