import type { Rng } from '@jepa/core';

/**
 * Fills `out` (`[S, H, A]` row-major) with `S` action sequences drawn from the diagonal Gaussian
 * `mean + std * eps`, `eps ~ N(0, 1)`: `mean` and `std` are `[H, A]`. The normals come from `rng`
 * (Box-Muller, both outputs of each pair used), so the same generator state gives the same samples.
 */
export function sampleGaussianActions(rng: Rng, mean: ArrayLike<number>, std: ArrayLike<number>, out: Float32Array): Float32Array {
  const stepSize = mean.length;
  if (std.length !== stepSize) {
    throw new Error(`sampleGaussianActions: mean has ${stepSize} entries but std has ${std.length}; both are [H, A].`);
  }
  if (stepSize === 0 || out.length % stepSize !== 0) {
    throw new Error(`sampleGaussianActions: out has ${out.length} entries, not a whole number of [H, A] = ${stepSize}-entry sequences.`);
  }
  const normals = fillStandardNormal(rng, new Float64Array(out.length));
  for (let i = 0; i < out.length; i++) {
    const j = i % stepSize;
    out[i] = mean[j]! + std[j]! * normals[i]!;
  }
  return out;
}

/** Fills `out` with independent standard normals from `rng` (Box-Muller, both outputs kept). */
export function fillStandardNormal(rng: Rng, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i += 2) {
    const u1 = 1 - rng.uniform(); // (0, 1]: log stays finite
    const u2 = rng.uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    out[i] = radius * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}
