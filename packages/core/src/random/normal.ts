import type { UniformSource } from './uniform-source.js';

/**
 * One draw from `N(mean, std^2)` by Box-Muller from two uniforms of `rng`, keeping no spare value
 * (so the source's stream alone is the state). For an `Rng` it equals `rng.normal(mean, std)`.
 *
 * @param rng the uniform source to draw from; nothing else is consulted.
 * @param mean the mean (default 0).
 * @param std the standard deviation, `>= 0` (default 1).
 */
export function sampleNormal(rng: UniformSource, mean = 0, std = 1): number {
  if (!Number.isFinite(mean) || !(std >= 0) || !Number.isFinite(std)) {
    throw new RangeError(`sampleNormal: need a finite mean and a finite std >= 0; got mean ${mean}, std ${std}.`);
  }
  const u1 = 1 - rng.uniform(); // (0, 1]: log stays finite
  const u2 = rng.uniform();
  return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
