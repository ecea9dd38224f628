/**
 * The official JEPA schedules as pure functions of the (1-based) update index, so a resumed run
 * computes exactly the values an uninterrupted one would.
 */

/** Options of {@link warmupCosineLr} (official `WarmupCosineSchedule`). */
export interface WarmupCosineOptions {
  /** Updates of the linear warm-up. */
  readonly warmupSteps: number;
  /** Updates of the whole run; the cosine reaches `finalLr` at the last one. */
  readonly totalSteps: number;
  /** Learning rate at the start of the warm-up. */
  readonly startLr: number;
  /** Learning rate at the end of the warm-up (the peak). */
  readonly refLr: number;
  /** Learning rate at the end of the run (and the floor of the cosine). */
  readonly finalLr: number;
}

/**
 * Learning rate for update `step` (1-based, as the official scheduler's first `step()` call):
 * linear from `startLr` to `refLr` over `warmupSteps`, then cosine down to `finalLr`.
 */
export function warmupCosineLr(step: number, o: WarmupCosineOptions): number {
  if (step < o.warmupSteps) {
    const progress = step / Math.max(1, o.warmupSteps);
    return o.startLr + progress * (o.refLr - o.startLr);
  }
  const progress = (step - o.warmupSteps) / Math.max(1, o.totalSteps - o.warmupSteps);
  return Math.max(o.finalLr, o.finalLr + (o.refLr - o.finalLr) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}

/** Options of {@link cosineWeightDecay} (official `CosineWDSchedule`: 0.04 -> 0.4). */
export interface CosineWeightDecayOptions {
  /** Updates of the whole run; the cosine reaches `finalWeightDecay` at the last one. */
  readonly totalSteps: number;
  /** Weight decay at the first update. */
  readonly refWeightDecay: number;
  /** Weight decay at the last update. */
  readonly finalWeightDecay: number;
}

/** Weight decay for update `step` (1-based): cosine from `refWeightDecay` to `finalWeightDecay`. */
export function cosineWeightDecay(step: number, o: CosineWeightDecayOptions): number {
  const progress = step / Math.max(1, o.totalSteps);
  const wd = o.finalWeightDecay + (o.refWeightDecay - o.finalWeightDecay) * 0.5 * (1 + Math.cos(Math.PI * progress));
  return o.finalWeightDecay <= o.refWeightDecay ? Math.max(o.finalWeightDecay, wd) : Math.min(o.finalWeightDecay, wd);
}

/** Options of {@link linearMomentum} (official EMA schedule, e.g. 0.996 -> 1.0). */
export interface LinearMomentumOptions {
  /** Updates over which the momentum moves from `start` to `end`. */
  readonly totalSteps: number;
  /** Momentum of the first update. */
  readonly start: number;
  /** Momentum after `totalSteps` updates (and after that). */
  readonly end: number;
}

/** EMA momentum after update `step` (1-based; the first update uses `start`). */
export function linearMomentum(step: number, o: LinearMomentumOptions): number {
  const i = Math.min(step - 1, o.totalSteps);
  return o.start + (i * (o.end - o.start)) / Math.max(1, o.totalSteps);
}
