import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../random/rng.js';

/** What {@link randomUnitDirections} needs from a generator: normal draws (an {@link Rng} fits). */
export type NormalSource = Pick<Rng, 'normal'>;

/**
 * K random directions in R^D, as the LeJEPA reference draws its slices
 * (`lejepa/multivariate/slicing.py`: `A = randn(D, K); A /= A.norm(dim=0)`): Gaussian entries,
 * each column scaled to unit length, so the directions are uniform on the sphere. Entries are
 * drawn row by row (`A[0, 0], A[0, 1], ...`) from `rng`, normalised in float64.
 *
 * Pass a stream derived for the step (e.g. `root.derive(\`sigreg-${step}\`)`) to redraw the
 * directions every step, as the reference does, and still resume exactly.
 *
 * @returns `[D, K]` with unit columns
 */
export function randomUnitDirections(width: number, count: number, rng: NormalSource): tf.Tensor2D {
  for (const [key, value] of [['width', width], ['count', count]] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`randomUnitDirections: ${key} must be a positive integer, got ${String(value)}; width is the feature width D, count the number of directions K.`);
    }
  }
  const values = new Float64Array(width * count);
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  for (let k = 0; k < count; k++) {
    let squares = 0;
    for (let d = 0; d < width; d++) squares += values[d * count + k]! ** 2;
    const norm = Math.sqrt(squares);
    if (!(norm > 0) || !Number.isFinite(norm)) {
      throw new Error(`randomUnitDirections: direction ${k} drew a norm of ${norm}; the generator must return finite normal draws (rng.normal()).`);
    }
    for (let d = 0; d < width; d++) values[d * count + k]! /= norm;
  }
  return tf.tensor2d(Float32Array.from(values), [width, count]);
}
