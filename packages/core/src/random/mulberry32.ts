/**
 * A tiny seeded PRNG for the evaluation code (sampling low-shot subsets, validation splits), kept
 * local so that eval results do not shift when the library-wide RNG changes.
 */

/**
 * mulberry32: a 32-bit state generator returning uniform floats in `[0, 1)`. Same seed, same
 * stream. `seed` must be an integer (only its low 32 bits are used).
 */
export function mulberry32(seed: number): () => number {
  if (!Number.isInteger(seed)) {
    throw new RangeError(`mulberry32: seed must be an integer; got ${seed}.`);
  }
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in `[0, bound)`. */
export function randomInt(random: () => number, bound: number): number {
  return Math.floor(random() * bound);
}

/** Fisher-Yates shuffle of `items` in place; returns `items`. */
export function shuffleInPlace<T extends number[] | Int32Array>(items: T, random: () => number): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
  return items;
}
