import { cosineWeightDecay, linearMomentum, warmupCosineLr, type StepHyperParameters } from '@jepa/core';
import { VJEPA_DEFAULTS } from './vjepa.js';

/** The optimisation schedule of a V-JEPA run; every field but `steps` defaults to the official value. */
export interface VJepaSchedule {
  /** Updates in the run. */
  readonly steps: number;
  /** Default `round(steps * 40 / 300)` (official 40 warm-up epochs of 300). */
  readonly warmupSteps?: number;
  /** The lr, wd and EMA schedules span `scheduleScale * steps` updates (official `ipe_scale` 1.25), so they stop short of their final values. */
  readonly scheduleScale?: number;
  /** Learning rate at the start of the warm-up (official 0.0002). */
  readonly startLr?: number;
  /** Peak learning rate, reached at the end of the warm-up (official 0.000625). */
  readonly lr?: number;
  /** Learning rate at the end of the schedule (official 1e-6). */
  readonly finalLr?: number;
  /** Weight decay at the first update (official 0.04). */
  readonly weightDecay?: number;
  /** Weight decay at the end of the schedule (official 0.4). */
  readonly finalWeightDecay?: number;
  /** EMA momentum from `ema[0]` to `ema[1]` (official 0.998 -> 1.0). */
  readonly ema?: readonly [number, number];
  /** Gradient-norm clipping applied after warm-up (official 10); `null` turns it off. */
  readonly clipGradNorm?: number | null;
}

/**
 * The hyper-parameters of update `step` (1-based) of a V-JEPA run, for `model.jepa.step`: warm-up
 * + cosine learning rate, cosine weight decay 0.04 -> 0.4, linear EMA momentum 0.998 -> 1.0, and
 * gradient clipping once warm-up is over (official `app/vjepa/train.py`).
 *
 * One difference remains: the official code clips the encoder's and the predictor's gradient norms
 * separately (`clip_grad_norm_` on each); `Jepa.step` clips their joint norm.
 */
export function vjepaStepHyperParameters(step: number, schedule: VJepaSchedule): StepHyperParameters {
  const o = VJEPA_DEFAULTS.optimization;
  const { steps } = schedule;
  if (!Number.isInteger(steps) || steps <= 0) throw new Error(`vjepaStepHyperParameters: steps must be a positive integer, got ${steps}.`);
  if (!Number.isInteger(step) || step < 1) throw new Error(`vjepaStepHyperParameters: step is 1-based (the first update is 1), got ${step}.`);
  const warmupSteps = schedule.warmupSteps ?? Math.round((steps * o.warmupEpochs) / o.epochs);
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0 || warmupSteps > steps) {
    throw new Error(`vjepaStepHyperParameters: warmupSteps must be an integer in [0, ${steps}], got ${warmupSteps}.`);
  }
  const scale = schedule.scheduleScale ?? o.scheduleScale;
  if (!(scale >= 1)) throw new Error(`vjepaStepHyperParameters: scheduleScale must be >= 1, got ${scale}.`);
  const totalSteps = Math.round(scale * steps);
  const [emaStart, emaEnd] = schedule.ema ?? o.ema;
  const clip = schedule.clipGradNorm === undefined ? o.clipGradNorm : schedule.clipGradNorm;
  const lr = warmupCosineLr(step, { warmupSteps, totalSteps, startLr: schedule.startLr ?? o.startLr, refLr: schedule.lr ?? o.lr, finalLr: schedule.finalLr ?? o.finalLr });
  const weightDecay = cosineWeightDecay(step, { totalSteps, refWeightDecay: schedule.weightDecay ?? o.weightDecay, finalWeightDecay: schedule.finalWeightDecay ?? o.finalWeightDecay });
  const momentum = linearMomentum(step, { totalSteps, start: emaStart, end: emaEnd });
  return { lr, weightDecay, momentum, ...(clip !== null && step > warmupSteps ? { clipGradNorm: clip } : {}) };
}
