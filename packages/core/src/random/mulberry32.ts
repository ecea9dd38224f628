import type { UniformSource } from './uniform-source.js';

/**
 * mulberry32: a tiny 32-bit-state generator, the one the evaluation protocols draw from (low-shot
 * subsets, probe batches, validation splits). It is kept apart from {@link Rng} so that probe
 * results do not shift when the training streams change. Same seed, same stream. `seed` must be an
 * integer (only its low 32 bits are used).
 */
export function mulberry32(seed: number): UniformSource {
  if (!Number.isInteger(seed)) {
    throw new RangeError(`mulberry32: seed must be an integer; got ${seed}.`);
  }
  let state = seed >>> 0;
  return {
    uniform() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}
