import * as tf from '@tensorflow/tfjs';
import { checkNumber } from './regularizer-checks.js';

/** Quadrature of the Epps-Pulley statistic. */
export interface EppsPulleyOptions {
  /** Upper end of the integration grid `[0, tMax]`. Default 3. */
  readonly tMax?: number;
  /** Number of evenly spaced knots on `[0, tMax]`, ends included; odd, as the reference asserts. Default 17. */
  readonly numKnots?: number;
}

/** Defaults of {@link eppsPulley}, as `lejepa/univariate/epps_pulley.py: EppsPulley` (and MINIMAL.md's SIGReg). */
export const EPPS_PULLEY_DEFAULTS = {
  /** Upper end of the integration grid. */
  tMax: 3,
  /** Knots on `[0, tMax]`, ends included. */
  numKnots: 17,
} as const;

/** The knots, the standard normal characteristic function on them, and the quadrature weights (float64). */
export interface EppsPulleyQuadrature {
  /** `t_i = i * tMax / (numKnots - 1)`. */
  readonly knots: Float64Array;
  /** `phi(t_i) = exp(-t_i^2 / 2)`: the N(0, 1) characteristic function, which is also the weight function w(t). */
  readonly gaussian: Float64Array;
  /** Trapezoid weights on `[0, tMax]` doubled for the mirrored half `[-tMax, 0]`, times `w(t_i)`: `dt * w` at both ends, `2 dt * w` inside. */
  readonly weights: Float64Array;
}

/**
 * The quadrature of the reference (`EppsPulley.__init__`): knots `linspace(0, tMax, numKnots)`,
 * trapezoid weights `2 dt` (half, `dt`, at both ends; the factor 2 integrates the mirrored half
 * `t < 0`, where the integrand is the same) multiplied by the weight function
 * `w(t) = exp(-t^2 / 2)`.
 */
export function eppsPulleyQuadrature(options: EppsPulleyOptions = {}): EppsPulleyQuadrature {
  const tMax = options.tMax ?? EPPS_PULLEY_DEFAULTS.tMax;
  const numKnots = options.numKnots ?? EPPS_PULLEY_DEFAULTS.numKnots;
  checkNumber('eppsPulley', 'tMax', tMax, 'positive', 'the grid is [0, tMax] (default 3)');
  if (!Number.isInteger(numKnots) || numKnots < 3 || numKnots % 2 !== 1) {
    throw new Error(`eppsPulley: numKnots must be an odd integer >= 3 (the reference asserts an odd count), got ${String(numKnots)}; the default is 17.`);
  }
  const dt = tMax / (numKnots - 1);
  const knots = new Float64Array(numKnots);
  const gaussian = new Float64Array(numKnots);
  const weights = new Float64Array(numKnots);
  for (let i = 0; i < numKnots; i++) {
    const t = i * dt;
    knots[i] = t;
    gaussian[i] = Math.exp(-0.5 * t * t);
    weights[i] = (i === 0 || i === numKnots - 1 ? dt : 2 * dt) * gaussian[i]!;
  }
  return { knots, gaussian, weights };
}

/**
 * Epps-Pulley statistic of each column of `samples` against N(0, 1), as the LeJEPA reference
 * computes it (`lejepa/univariate/epps_pulley.py: EppsPulley.forward`, rbalestr-lab/lejepa at
 * eddffdd857a19726342ef6526e01021fb3c32cae):
 *
 * `T_k = M * integral over t of |phi_M,k(t) - phi(t)|^2 w(t) dt`, where `phi_M,k(t) = mean_m exp(i t x_mk)`
 * is the empirical characteristic function, `phi(t) = exp(-t^2 / 2)` and `w(t) = exp(-t^2 / 2)`,
 * integrated by {@link eppsPulleyQuadrature}. The samples are not standardised (the reference
 * compares with N(0, 1) itself, so scale and shift count). `|.|^2 = (mean cos - phi)^2 + (mean sin)^2`.
 *
 * Under the null (N(0, 1) samples) `E[T_k] = sum_i weights_i (1 - phi(t_i)^2)` (about 1.06 with the
 * defaults) whatever M; for any other distribution T_k grows like M.
 *
 * @param samples `[M, K]`: M samples of K univariate variables (e.g. K projections)
 * @returns `[K]`
 */
export function eppsPulley(samples: tf.Tensor2D, options: EppsPulleyOptions = {}): tf.Tensor1D {
  if (samples.rank !== 2 || samples.shape[0] < 1 || samples.shape[1] < 1) {
    throw new Error(`eppsPulley: samples must be [M, K] with M, K >= 1, got shape [${samples.shape.join(', ')}]; for one variable pass tf.reshape(x, [-1, 1]).`);
  }
  const { knots, gaussian, weights } = eppsPulleyQuadrature(options);
  const [numSamples, numVariables] = samples.shape;
  return tf.tidy(() => {
    const angles = tf.mul(tf.reshape(samples, [numSamples, numVariables, 1]), tf.tensor1d(Float32Array.from(knots))); // [M, K, n]
    const cosMean = tf.mean(tf.cos(angles), 0); // [K, n]
    const sinMean = tf.mean(tf.sin(angles), 0);
    const error = tf.add(tf.square(tf.sub(cosMean, tf.tensor1d(Float32Array.from(gaussian)))), tf.square(sinMean));
    return tf.mul(tf.sum(tf.mul(error, tf.tensor1d(Float32Array.from(weights))), 1), numSamples) as tf.Tensor1D;
  });
}
