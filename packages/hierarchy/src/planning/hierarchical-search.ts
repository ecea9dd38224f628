import type { CemPlannerOptions } from './cem-planner.js';
import { CemPlanner } from './cem-planner.js';
import { heldActionStep } from './held-action-step.js';
import { HierarchicalPlanner, type PlanningLevel } from './hierarchical-planner.js';
import { simulatorWorldModel } from './simulator-world-model.js';

/** The settings of a two-level CEM hierarchy (`hierarchicalCemPlanner`, the Two and Four Rooms oracles). */
export interface HierarchicalSearchSettings {
  /** Primitive steps per level-2 step. */
  readonly stepSkip: number;
  /** Level-2 steps per plan, at most. */
  readonly levelHorizon: number;
  /** The search over level-2 macro-actions. */
  readonly levelSearch: CemPlannerOptions;
  /** Level-1 actions per plan toward a subgoal. */
  readonly horizon: number;
  /** The search over primitive actions. */
  readonly search: CemPlannerOptions;
}

/**
 * A level of the true simulator for a hierarchical oracle: its latent is the position (as the
 * oracle's level 1) and a macro-action is a displacement held for `stepSkip` steps of `step`, so the
 * planner over it searches the same paths as one over primitive actions held `stepSkip` steps, and
 * hands the position after one macro-step down as the subgoal.
 */
export function simulatorLevel(
  step: (state: Float32Array, action: Float32Array) => Float32Array,
  options: { readonly stepSkip: number; readonly horizon: number; readonly planner: PlanningLevel['planner'] },
): PlanningLevel {
  const { stepSkip, horizon, planner } = options;
  if (!Number.isInteger(stepSkip) || stepSkip < 1) throw new Error(`simulatorLevel: stepSkip must be a positive integer, got ${String(stepSkip)}.`);
  return { model: simulatorWorldModel({ stateDim: 2, actionDim: 2, step: heldActionStep(step, stepSkip) }), stepSkip, horizon, planner };
}

/**
 * A two-level CEM hierarchy: CEM with `settings.levelSearch` over up to `settings.levelHorizon`
 * steps of `level` (a learned `LatentLevel`'s model or a {@link simulatorLevel}'s) hands its first
 * predicted step down as a subgoal to CEM with `settings.search` over `settings.horizon` actions.
 * `level` is built from the settings' `stepSkip`, `levelHorizon` and a CEM of `levelSearch`.
 */
export function hierarchicalCemPlanner(
  settings: HierarchicalSearchSettings,
  level: (options: { readonly stepSkip: number; readonly horizon: number; readonly planner: CemPlanner }) => PlanningLevel,
): HierarchicalPlanner {
  return new HierarchicalPlanner({
    planner: new CemPlanner(settings.search),
    horizon: settings.horizon,
    levels: [level({ stepSkip: settings.stepSkip, horizon: settings.levelHorizon, planner: new CemPlanner(settings.levelSearch) })],
  });
}
