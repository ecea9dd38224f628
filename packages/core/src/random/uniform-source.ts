/**
 * The one interface every seeded generator of this library implements: uniform draws in `[0, 1)`.
 * {@link Rng} (xoshiro128**, resumable state, `derive` for per-step streams) is the library-wide
 * generator; {@link mulberry32} is the small generator of the evaluation protocols. Functions that
 * only need uniform draws (crops, clip starts, shuffles, Moving MNIST) take a `UniformSource`, so
 * any of them fits (`{ uniform: Math.random }` works too, but is not reproducible).
 */
export interface UniformSource {
  /** A uniform draw in `[0, 1)`. */
  uniform(): number;
}

/**
 * A uniform integer in `[low, high)`, as `torch.randint(low, high)` draws it: `low + floor(u * (high - low))`.
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

/**
 * Fisher-Yates shuffle of `items` in place, one {@link uniformInt} draw per position from the end;
 * returns `items`. (`Rng.shuffle` is the generator's own rejection-sampled variant, used where runs
 * must resume exactly; both are kept so that recorded results do not shift.)
 */
export function shuffleInPlace<T extends {
  /** Number of elements. */
  length: number;
  [index: number]: number;
}>(items: T, rng: UniformSource): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i + 1);
    const held = items[i]!;
    items[i] = items[j]!;
    items[j] = held;
  }
  return items;
}

/** `0..count-1` shuffled by {@link shuffleInPlace}. */
export function shuffledIndices(count: number, rng: UniformSource): Int32Array {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`shuffledIndices: count must be a non-negative integer, got ${count}.`);
  return shuffleInPlace(Int32Array.from({ length: count }, (_, i) => i), rng);
}
