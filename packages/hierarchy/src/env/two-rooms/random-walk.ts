import { sampleTruncatedNormal, sampleVonMises, type UniformSource } from '@jepa/core/random';
import { TWO_ROOMS_DATA_DEFAULTS, type TwoRoomsDataConfig } from './data-config.js';

/**
 * The reference's random-walk actions (`DotDataset.generate_actions`): headings
 * `theta_0 = initialHeading`, `theta_i = fmod(theta_{i-1} + VonMises(0, kappa), 2 pi)`, step lengths
 * i.i.d. from a truncated normal (mean 1, std 0.4 in `[0.2, 1.8]` world pixels by default), and
 * `action_i = length_i * (cos theta_i, sin theta_i)`. The first action points exactly along
 * `initialHeading`.
 *
 * @param rng the uniform source to draw from.
 * @param count number of actions.
 * @param initialHeading heading of the first action, radians (x to the right, y downwards).
 * @param config heading concentration and step-length distribution (the reference's by default).
 * @returns `[count, 2]` displacements, world pixels.
 */
export function sampleRandomWalkActions(
  rng: UniformSource,
  count: number,
  initialHeading: number,
  config: Pick<TwoRoomsDataConfig, 'headingConcentration' | 'stepLengthMean' | 'stepLengthStd' | 'stepLengthMin' | 'stepLengthMax'> = TWO_ROOMS_DATA_DEFAULTS,
): Float64Array {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`sampleRandomWalkActions: count must be a non-negative integer; got ${count}.`);
  if (!Number.isFinite(initialHeading)) throw new RangeError(`sampleRandomWalkActions: initialHeading must be finite radians; got ${initialHeading}.`);
  const actions = new Float64Array(count * 2);
  let heading = initialHeading;
  for (let i = 0; i < count; i++) {
    if (i > 0) heading = (heading + sampleVonMises(rng, 0, config.headingConcentration)) % (2 * Math.PI);
    const length = sampleTruncatedNormal(rng, config.stepLengthMean, config.stepLengthStd, config.stepLengthMin, config.stepLengthMax);
    actions[2 * i] = length * Math.cos(heading);
    actions[2 * i + 1] = length * Math.sin(heading);
  }
  return actions;
}

/**
 * Held-action walk (not in the reference; see `TwoRoomsDataConfig.heldActionRate`): `count` actions
 * in segments of `heldActionSteps` equal actions, each segment with a uniform heading and a length
 * uniform in `[stepLengthMin, heldActionMaxLength]` world pixels; the last segment may be shorter.
 *
 * @returns `[count, 2]` displacements, world pixels.
 */
export function sampleHeldActions(
  rng: UniformSource,
  count: number,
  config: Pick<TwoRoomsDataConfig, 'stepLengthMin' | 'heldActionSteps' | 'heldActionMaxLength'> = TWO_ROOMS_DATA_DEFAULTS,
): Float64Array {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`sampleHeldActions: count must be a non-negative integer; got ${count}.`);
  const actions = new Float64Array(count * 2);
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < count; i++) {
    if (i % config.heldActionSteps === 0) {
      const heading = 2 * Math.PI * rng.uniform();
      const length = config.stepLengthMin + (config.heldActionMaxLength - config.stepLengthMin) * rng.uniform();
      dx = length * Math.cos(heading);
      dy = length * Math.sin(heading);
    }
    actions[2 * i] = dx;
    actions[2 * i + 1] = dy;
  }
  return actions;
}
