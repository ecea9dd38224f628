/**
 * The official JEPA schedules as pure functions of the (1-based) update index, so a resumed run
 * computes exactly the values an uninterrupted one would.
 */

/** Options of {@link warmupCosineLr} (official `WarmupCosineSchedule`). */
export interface WarmupCosineOptions {
  readonly warmupSteps: number;
  readonly totalSteps: number;
  readonly startLr: number;
  readonly refLr: number;
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
  readonly totalSteps: number;
  readonly refWeightDecay: number;
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
  readonly totalSteps: number;
  readonly start: number;
  readonly end: number;
}

/** EMA momentum after update `step` (1-based; the first update uses `start`). */
export function linearMomentum(step: number, o: LinearMomentumOptions): number {
  const i = Math.min(step - 1, o.totalSteps);
  return o.start + (i * (o.end - o.start)) / Math.max(1, o.totalSteps);
}
