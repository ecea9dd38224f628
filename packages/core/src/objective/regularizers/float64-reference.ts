// Plain-JS float64 versions of the regularisers, written from the reference formulas (not from
// the tensor code), for the tests beside this file. Not exported from the barrel.
import { Rng } from '../../random/rng.js';

export type Matrix = number[][];

/** `[rows, cols]` of N(mean, std) draws from `Rng(seed)`. */
export function normalMatrix(rows: number, cols: number, seed: number, std = 1): Matrix {
  const rng = new Rng(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal(0, std)));
}

function columnMeans(x: Matrix): number[] {
  const means = new Array<number>(x[0]!.length).fill(0);
  for (const row of x) row.forEach((v, j) => (means[j]! += v / x.length));
  return means;
}

/** eb_jepa HingeStdLoss: mean_j relu(target - sqrt(var_j + eps)), unbiased variance. */
export function varianceHinge64(x: Matrix, target = 1, eps = 1e-4): number {
  const means = columnMeans(x);
  let loss = 0;
  for (let j = 0; j < means.length; j++) {
    let squares = 0;
    for (const row of x) squares += (row[j]! - means[j]!) ** 2;
    const std = Math.sqrt(squares / (x.length - 1) + eps);
    loss += Math.max(0, target - std);
  }
  return loss / means.length;
}

/** eb_jepa CovarianceLoss: sum of squared off-diagonal covariances / (D (D - 1)). */
export function covariance64(x: Matrix): number {
  const means = columnMeans(x);
  const width = means.length;
  let loss = 0;
  for (let i = 0; i < width; i++) {
    for (let j = 0; j < width; j++) {
      if (i === j) continue;
      let c = 0;
      for (const row of x) c += (row[i]! - means[i]!) * (row[j]! - means[j]!);
      loss += (c / (x.length - 1)) ** 2;
    }
  }
  return loss / (width * (width - 1));
}

/** eb_jepa TemporalSimilarityLoss on `[B][T][D]`: mean of (z[t+1] - z[t])^2. */
export function temporal64(z: number[][][]): number {
  let sum = 0;
  let count = 0;
  for (const sequence of z) {
    for (let t = 0; t + 1 < sequence.length; t++) {
      sequence[t]!.forEach((v, d) => {
        sum += (sequence[t + 1]![d]! - v) ** 2;
        count++;
      });
    }
  }
  return count === 0 ? 0 : sum / count;
}

/**
 * Epps-Pulley as `lejepa/univariate/epps_pulley.py` states it: N * integral over [-tMax, tMax]
 * of |ecf(t) - exp(-t^2/2)|^2 exp(-t^2/2) dt, here by the trapezoid rule over the full symmetric
 * grid of 2 * numKnots - 1 knots (which equals the reference's halved grid with doubled weights).
 */
export function eppsPulley64(samples: number[], tMax = 3, numKnots = 17): number {
  const dt = tMax / (numKnots - 1);
  let integral = 0;
  for (let i = -(numKnots - 1); i <= numKnots - 1; i++) {
    const t = i * dt;
    let re = 0;
    let im = 0;
    for (const x of samples) {
      re += Math.cos(t * x) / samples.length;
      im += Math.sin(t * x) / samples.length;
    }
    const phi = Math.exp(-t * t / 2);
    const integrand = ((re - phi) ** 2 + im ** 2) * phi;
    integral += (Math.abs(i) === numKnots - 1 ? 0.5 : 1) * dt * integrand;
  }
  return samples.length * integral;
}

/** SIGReg: mean over the columns a_k of `directions` ([D][K]) of eppsPulley64(x a_k). */
export function sigreg64(x: Matrix, directions: Matrix, tMax = 3, numKnots = 17): number {
  const count = directions[0]!.length;
  let total = 0;
  for (let k = 0; k < count; k++) {
    const projected = x.map((row) => row.reduce((s, v, d) => s + v * directions[d]![k]!, 0));
    total += eppsPulley64(projected, tMax, numKnots);
  }
  return total / count;
}

/** Central finite differences of `f` at every entry of `x` (float64). */
export function numericGradient(f: (x: Matrix) => number, x: Matrix, step = 1e-6): Matrix {
  return x.map((row, i) =>
    row.map((_, j) => {
      const plus = x.map((r) => r.slice());
      const minus = x.map((r) => r.slice());
      plus[i]![j]! += step;
      minus[i]![j]! -= step;
      return (f(plus) - f(minus)) / (2 * step);
    }),
  );
}

/** max |a - b| / max(max |b|, floor): a relative error that tolerates entries near 0. */
export function relativeError(a: number[] | Matrix, b: number[] | Matrix, floor = 1e-12): number {
  const fa = (a as unknown[]).flat(2) as number[];
  const fb = (b as unknown[]).flat(2) as number[];
  if (fa.length !== fb.length) throw new Error(`relativeError: ${fa.length} vs ${fb.length} entries`);
  let diff = 0;
  let scale = floor;
  fa.forEach((v, i) => {
    diff = Math.max(diff, Math.abs(v - fb[i]!));
    scale = Math.max(scale, Math.abs(fb[i]!));
  });
  return diff / scale;
}
