/**
 * The only randomness the data pipeline needs: a source of uniform draws in `[0, 1)`.
 *
 * Any seeded generator fits (the `Rng` of `@jepa/core` does); `{ uniform: Math.random }` works
 * too, but is not reproducible.
 */
export interface UniformSource {
  /** A uniform draw in `[0, 1)`. */
  uniform(): number;
}

/**
 * A uniform integer in `[low, high)`, as `torch.randint(low, high)` draws it.
 * Clamps a source that (wrongly) returns 1.0 to `high - 1` instead of overshooting.
 */
export function uniformInt(rng: UniformSource, low: number, high: number): number {
  const value = low + Math.floor(rng.uniform() * (high - low));
  return value >= high ? high - 1 : value;
}

/** A uniform float in `[low, high)`, as `random.uniform(low, high)`. */
export function uniformRange(rng: UniformSource, low: number, high: number): number {
  return low + (high - low) * rng.uniform();
}
