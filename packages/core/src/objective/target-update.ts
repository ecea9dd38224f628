import type { Module } from '../nn/module.js';
import { emaUpdate } from '../optim/ema.js';

/** What a {@link TargetUpdate} reads from the hyper-parameters of a step. */
export interface TargetUpdateHyperParameters {
  /** EMA momentum (used by {@link emaTargetUpdate}). */
  readonly momentum?: number;
}

/**
 * How a JEPA's target encoder follows its context encoder after each optimizer update. The
 * official JEPAs use an EMA ({@link emaTargetUpdate}); a predictor trained over a fixed encoder
 * keeps the target as it is ({@link frozenTargetUpdate}).
 */
export interface TargetUpdate {
  /**
   * Throws when `hyper` lacks what {@link update} needs. `Jepa.step` calls it before changing any
   * weight, so a bad call leaves the model as it was.
   */
  check?(hyper: TargetUpdateHyperParameters): void;
  /** Updates `target` from `online` (the context encoder) after the optimizer step. */
  update(target: Module, online: Module, hyper: TargetUpdateHyperParameters): void;
}

/** The official target update: `target = momentum * target + (1 - momentum) * context encoder`, `hyper.momentum` in [0, 1]. */
export const emaTargetUpdate: TargetUpdate = {
  check(hyper) {
    const m = hyper.momentum;
    if (typeof m !== 'number' || !(m >= 0 && m <= 1)) {
      throw new Error(`Jepa.step: the EMA target update needs hyper.momentum in [0, 1] (e.g. linearMomentum(step, ...)), got ${m}; pass it, or build the Jepa with targetUpdate: 'frozen'.`);
    }
  },
  update(target, online, hyper) {
    emaUpdate(target, online, hyper.momentum!);
  },
};

/** Leaves the target encoder unchanged (its weights stay bit for bit what they were); `hyper.momentum` is ignored. */
export const frozenTargetUpdate: TargetUpdate = {
  update() {},
};

/** Target updates by name, for configs: `ema` (official default) or `frozen`. */
export const TARGET_UPDATES = {
  /** {@link emaTargetUpdate}. */
  ema: emaTargetUpdate,
  /** {@link frozenTargetUpdate}. */
  frozen: frozenTargetUpdate,
} as const;

/** The name of a built-in target update: `ema` or `frozen`. */
export type TargetUpdateName = keyof typeof TARGET_UPDATES;
