import * as tf from '@tensorflow/tfjs';

let initSeed: number | null = null;

/**
 * Builds modules with reproducible initial weights, as `torch.manual_seed` before construction:
 * every truncated-normal init inside `build` draws from a seed derived from `seed` and its order.
 */
export function withInitSeed<T>(seed: number, build: () => T): T {
  const previous = initSeed;
  // tfjs treats a seed of 0 as "no seed" (Math.random), so the derived seeds start at 1, never 0.
  initSeed = seed * 1_000_003 + 1;
  try {
    return build();
  } finally {
    initSeed = previous;
  }
}

/**
 * PyTorch's `trunc_normal_(std=std, a=-2, b=2)` as the official JEPA code calls it: the bounds are
 * absolute, 100 standard deviations away for std 0.02, so it is a plain normal cut at +-2. (tfjs's
 * `truncatedNormal` cuts at 2 standard deviations, which would shrink the std to ~0.88 of `std`.)
 */
export function truncatedNormal(shape: number[], std = 0.02, seed?: number): tf.Tensor {
  const s = seed ?? (initSeed === null ? undefined : initSeed++);
  return tf.tidy(() => tf.clipByValue(tf.randomNormal(shape, 0, std, 'float32', s), -2, 2));
}

/**
 * A uniform init in `[-bound, bound]`, as PyTorch's default for recurrent layers
 * (`U(-1/sqrt(hidden), 1/sqrt(hidden))`); seeded like {@link truncatedNormal} inside {@link withInitSeed}.
 */
export function uniformInit(shape: number[], bound: number, seed?: number): tf.Tensor {
  if (!(bound > 0)) throw new Error(`uniformInit: bound must be > 0, got ${bound}.`);
  const s = seed ?? (initSeed === null ? undefined : initSeed++);
  return tf.randomUniform(shape, -bound, bound, 'float32', s);
}
