import { sampleNormal } from './normal.js';
import type { UniformSource } from './uniform-source.js';

/**
 * One draw from the normal distribution `N(mean, std^2)` truncated to `[low, high]`
 * (`scipy.stats.truncnorm(a=(low-mean)/std, b=(high-mean)/std, loc=mean, scale=std)`), exact for any
 * interval, also one far in a tail, by rejection (Robert 1995): a normal proposal for wide intervals
 * around the mean, a uniform proposal for narrow ones, an exponential proposal for tails.
 *
 * @param rng the uniform source to draw from (e.g. `new Rng(seed)`); nothing else is consulted.
 * @param mean the mean of the untruncated normal (finite).
 * @param std its standard deviation (finite, `> 0`).
 * @param low the lower bound; `-Infinity` for none.
 * @param high the upper bound, `> low`; `Infinity` for none.
 * @returns a value in `[low, high]`.
 */
export function sampleTruncatedNormal(rng: UniformSource, mean: number, std: number, low: number, high: number): number {
  if (!Number.isFinite(mean)) throw new RangeError(`sampleTruncatedNormal: mean must be finite; got ${mean}.`);
  if (!(std > 0) || !Number.isFinite(std)) throw new RangeError(`sampleTruncatedNormal: std must be a finite number > 0; got ${std}.`);
  if (Number.isNaN(low) || Number.isNaN(high) || !(low < high) || low === Infinity || high === -Infinity) {
    throw new RangeError(
      `sampleTruncatedNormal: need low < high (use -Infinity / Infinity for an open side); got low ${low}, high ${high}.`,
    );
  }
  const a = (low - mean) / std;
  const b = (high - mean) / std;
  const z = standardTruncated(rng, a, b);
  // Rounding in mean + std * z can step a hair outside the bounds; keep the promise.
  return Math.min(high, Math.max(low, mean + std * z));
}

/** A standard normal truncated to `[a, b]`. */
function standardTruncated(rng: UniformSource, a: number, b: number): number {
  if (a >= 0) return tail(rng, a, b);
  if (b <= 0) return -tail(rng, -b, -a);
  // 0 is inside (a, b).
  if (b - a >= Math.sqrt(2 * Math.PI)) {
    // Acceptance P(a < Z < b) >= P(0 < Z < 2.5) ~ 0.49.
    for (;;) {
      const z = sampleNormal(rng);
      if (z >= a && z <= b) return z;
    }
  }
  for (;;) {
    const z = a + (b - a) * rng.uniform();
    if (rng.uniform() <= Math.exp(-0.5 * z * z)) return z;
  }
}

/** A standard normal truncated to `[a, b]` with `0 <= a < b` (b may be Infinity). */
function tail(rng: UniformSource, a: number, b: number): number {
  const root = Math.sqrt(a * a + 4);
  // Robert's rule: the exponential proposal wins unless the interval is short for its position.
  const exponentialWins = b - a > (2 / (a + root)) * Math.exp((a * a - a * root) / 4 + 0.5);
  if (!exponentialWins) {
    for (;;) {
      const z = a + (b - a) * rng.uniform();
      if (rng.uniform() <= Math.exp(0.5 * (a * a - z * z))) return z;
    }
  }
  const rate = (a + root) / 2;
  for (;;) {
    const z = a - Math.log(1 - rng.uniform()) / rate;
    if (z > b) continue;
    const d = z - rate;
    if (rng.uniform() <= Math.exp(-0.5 * d * d)) return z;
  }
}
