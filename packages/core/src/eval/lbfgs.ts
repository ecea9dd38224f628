/**
 * Full-batch L-BFGS for smooth, unconstrained minimisation in Float64 (Nocedal & Wright, Alg. 7.4
 * two-loop recursion) with a backtracking Armijo line search. Used by the linear probe; generic
 * over the objective.
 */

/**
 * An objective: returns `f(x)` and writes `∇f(x)` into `gradient` (same length as `x`).
 * It must not keep references to `x` or `gradient`.
 */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

/** L-BFGS settings; every field is optional. */
export interface LbfgsConfig {
  /** Iteration cap (one accepted step each). Default 100. */
  maxIterations?: number;
  /** Correction pairs kept. Default 10. */
  memory?: number;
  /** Stop when `max |∇f| <= gradientTolerance`. Default 1e-5. */
  gradientTolerance?: number;
  /** Stop when `(f_k - f_{k+1}) <= lossTolerance * max(|f_k|, |f_{k+1}|, 1)`. Default 1e-9. */
  lossTolerance?: number;
}

/** Why {@link minimizeLbfgs} stopped. */
export type LbfgsStopReason = 'gradient' | 'loss' | 'line-search' | 'max-iterations';

/** Result of {@link minimizeLbfgs}. */
export interface LbfgsResult {
  /** The final point (a new array; the start point is not modified). */
  readonly x: Float64Array;
  /** `f(x)`. */
  readonly loss: number;
  /** `max |∇f(x)|`. */
  readonly gradientNorm: number;
  /** Accepted steps taken. */
  readonly iterations: number;
  /** Objective evaluations made (including the first). */
  readonly evaluations: number;
  /** Which criterion ended the run; `'max-iterations'` means it had not converged. */
  readonly reason: LbfgsStopReason;
}

const DEFAULTS: Required<LbfgsConfig> = {
  maxIterations: 100,
  memory: 10,
  gradientTolerance: 1e-5,
  lossTolerance: 1e-9,
};

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 40;

/** Minimises `objective` from `start` with L-BFGS. */
export function minimizeLbfgs(objective: Objective, start: Float64Array, config: LbfgsConfig = {}): LbfgsResult {
  const { maxIterations, memory, gradientTolerance, lossTolerance } = { ...DEFAULTS, ...config };
  if (!Number.isInteger(maxIterations) || maxIterations < 0) {
    throw new RangeError(`minimizeLbfgs: maxIterations must be a non-negative integer; got ${maxIterations}.`);
  }
  if (!Number.isInteger(memory) || memory < 1) {
    throw new RangeError(`minimizeLbfgs: memory must be a positive integer; got ${memory}.`);
  }
  if (!(gradientTolerance >= 0) || !(lossTolerance >= 0)) {
    throw new RangeError(
      `minimizeLbfgs: tolerances must be >= 0; got gradientTolerance=${gradientTolerance}, lossTolerance=${lossTolerance}.`
    );
  }
  const size = start.length;
  let x = Float64Array.from(start);
  let gradient = new Float64Array(size);
  let loss = objective(x, gradient);
  let evaluations = 1;
  if (!Number.isFinite(loss)) {
    throw new RangeError(
      `minimizeLbfgs: the objective is ${loss} at the start point; check the inputs for NaN/Infinity.`
    );
  }

  const sHistory: Float64Array[] = [];
  const yHistory: Float64Array[] = [];
  const rhoHistory: number[] = [];
  const alpha = new Float64Array(memory);
  const direction = new Float64Array(size);
  let trialX = new Float64Array(size);
  let trialGradient = new Float64Array(size);

  let iterations = 0;
  let reason: LbfgsStopReason = 'max-iterations';
  if (maxAbs(gradient) <= gradientTolerance) reason = 'gradient';

  while (reason === 'max-iterations' && iterations < maxIterations) {
    // Two-loop recursion: direction = -H ∇f.
    for (let i = 0; i < size; i++) direction[i] = -gradient[i]!;
    const pairs = sHistory.length;
    for (let k = pairs - 1; k >= 0; k--) {
      const a = rhoHistory[k]! * dot(sHistory[k]!, direction);
      alpha[k] = a;
      axpy(-a, yHistory[k]!, direction);
    }
    if (pairs > 0) {
      const last = pairs - 1;
      const gamma = dot(sHistory[last]!, yHistory[last]!) / dot(yHistory[last]!, yHistory[last]!);
      for (let i = 0; i < size; i++) direction[i] *= gamma;
    }
    for (let k = 0; k < pairs; k++) {
      const b = rhoHistory[k]! * dot(yHistory[k]!, direction);
      axpy(alpha[k]! - b, sHistory[k]!, direction);
    }
    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      sHistory.length = yHistory.length = rhoHistory.length = 0;
      for (let i = 0; i < size; i++) direction[i] = -gradient[i]!;
      slope = dot(gradient, direction);
    }
    // The first step has no curvature information: keep its length at most 1.
    let step = sHistory.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;

    let trialLoss = Infinity;
    let accepted = false;
    for (let tries = 0; tries < MAX_BACKTRACKS; tries++) {
      for (let i = 0; i < size; i++) trialX[i] = x[i]! + step * direction[i]!;
      trialLoss = objective(trialX, trialGradient);
      evaluations++;
      if (Number.isFinite(trialLoss) && trialLoss <= loss + ARMIJO * step * slope) {
        accepted = true;
        break;
      }
      // Quadratic interpolation of the step, kept within [0.1, 0.5] of the current one.
      const quadratic = Number.isFinite(trialLoss)
        ? (-slope * step * step) / (2 * (trialLoss - loss - slope * step))
        : 0.1 * step;
      step = Math.min(0.5 * step, Math.max(0.1 * step, quadratic));
    }
    if (!accepted) {
      reason = 'line-search';
      break;
    }
    iterations++;

    const s = new Float64Array(size);
    const y = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      s[i] = trialX[i]! - x[i]!;
      y[i] = trialGradient[i]! - gradient[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * dot(y, y)) {
      if (sHistory.length === memory) {
        sHistory.shift();
        yHistory.shift();
        rhoHistory.shift();
      }
      sHistory.push(s);
      yHistory.push(y);
      rhoHistory.push(1 / sy);
    }

    const previousLoss = loss;
    [x, trialX] = [trialX, x];
    [gradient, trialGradient] = [trialGradient, gradient];
    loss = trialLoss;

    if (maxAbs(gradient) <= gradientTolerance) reason = 'gradient';
    else if (previousLoss - loss <= lossTolerance * Math.max(Math.abs(previousLoss), Math.abs(loss), 1))
      reason = 'loss';
  }

  return { x, loss, gradientNorm: maxAbs(gradient), iterations, evaluations, reason };
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function axpy(scale: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += scale * x[i]!;
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (v > max) max = v;
  }
  return max;
}
