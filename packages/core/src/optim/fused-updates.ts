/**
 * Fused optimizer updates: one kernel call per parameter instead of a dozen tensor ops (AdamW) or
 * three (EMA). A backend opts in by registering the kernels named here (@jepa/core registers them
 * for wasm with its fast kernels, see backend/kernels/fused-update-kernels.ts); without them the
 * optimizers run their tensor ops. The arithmetic below is the ops' own, float32 rounding after each
 * operation in the same order (double rounding of +, -, x, / and sqrt through float64 is exact for
 * float32 operands), so both paths give the same bits.
 */

/** Kernel `JepaAdamW`: inputs `{ p, m, v, g }` (float32, one shape), outputs `[p', m', v']`. */
export const ADAMW_KERNEL = 'JepaAdamW';
/** Kernel `JepaEma`: inputs `{ target, online }`, output `target'`. */
export const EMA_KERNEL = 'JepaEma';

/** Scalars of one AdamW update, as the tensor ops see them (each becomes a float32 scalar). */
export interface AdamWScalars {
  /** `1 - lr * weightDecay`, or 1 when the parameter is not decayed (then skipped). */
  readonly decayFactor: number;
  /** Whether decoupled weight decay applies (`decayFactor` used). */
  readonly decay: boolean;
  readonly beta1: number;
  readonly oneMinusBeta1: number;
  readonly beta2: number;
  readonly oneMinusBeta2: number;
  /** `sqrt(1 - beta2^t)`. */
  readonly sqrtBias2: number;
  readonly eps: number;
  /** `lr / (1 - beta1^t)`. */
  readonly stepSize: number;
}

const f = Math.fround;

/**
 * One AdamW update over flat arrays, writing into `outP`, `outM`, `outV` (which may not alias the
 * inputs' elements not yet read; element-wise, so the same array is fine):
 * `m' = m b1 + g (1 - b1)`, `v' = v b2 + g^2 (1 - b2)`, `p' = p d - m' / (sqrt(v') / s2 + eps) * k`.
 */
export function adamwUpdateInto(p: ArrayLike<number>, m: ArrayLike<number>, v: ArrayLike<number>, g: ArrayLike<number>, outP: { [i: number]: number }, outM: { [i: number]: number }, outV: { [i: number]: number }, s: AdamWScalars): void {
  const d = f(s.decayFactor);
  const b1 = f(s.beta1);
  const c1 = f(s.oneMinusBeta1);
  const b2 = f(s.beta2);
  const c2 = f(s.oneMinusBeta2);
  const s2 = f(s.sqrtBias2);
  const eps = f(s.eps);
  const k = f(s.stepSize);
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = f(f(m[i]! * b1) + f(gi * c1));
    const vi = f(f(v[i]! * b2) + f(f(gi * gi) * c2));
    const denom = f(f(f(Math.sqrt(vi)) / s2) + eps);
    const decayed = s.decay ? f(p[i]! * d) : p[i]!;
    outP[i] = f(decayed - f(f(mi / denom) * k));
    outM[i] = mi;
    outV[i] = vi;
  }
}

/** `out = target m + online (1 - m)` element-wise, as the tensor ops round it. */
export function emaInto(target: ArrayLike<number>, online: ArrayLike<number>, out: { [i: number]: number }, momentum: number): void {
  const a = f(momentum);
  const b = f(1 - momentum);
  const n = target.length;
  for (let i = 0; i < n; i++) out[i] = f(f(target[i]! * a) + f(online[i]! * b));
}
