import type { Planner } from '@jepa/core';
import { CemPlanner } from '../planning/cem-planner.js';
import { HierarchicalPlanner } from '../planning/hierarchical-planner.js';
import { TWO_ROOMS_PLANNING, type TwoRoomsHierarchicalSettings } from './two-rooms-recipe.js';
import { stepWithEvalCollision } from '../env/two-rooms/eval-collision.js';
import type { TwoRoomsLayout } from '../env/two-rooms/layout.js';
import type { PlanningLevel } from '../planning/hierarchical-planner.js';
import { heldActionStep } from '../planning/held-action-step.js';
import { simulatorWorldModel } from '../planning/simulator-world-model.js';

/** The oracle's deterministic view of the evaluation physics: contact noise set to zero. */
const NO_NOISE = { uniform: () => 0 };

/**
 * The true Two Rooms dynamics of one layout as the oracle plans with them: one action from a
 * position under the evaluation collision model, contact noise off.
 */
export function twoRoomsOracleStep(layout: TwoRoomsLayout): (state: Float32Array, action: Float32Array) => Float32Array {
  return (state, action) => Float32Array.from(stepWithEvalCollision(layout, [state[0]!, state[1]!], [action[0]!, action[1]!], NO_NOISE));
}

/** Options of {@link twoRoomsOracleLevel}. */
export interface TwoRoomsOracleLevelOptions {
  /** Primitive steps per macro-step. */
  readonly stepSkip: number;
  /** Macro-steps per plan, at most. */
  readonly horizon: number;
  /** The search over macro-actions (mean displacements: the same bounds as a primitive action). */
  readonly planner: Planner;
}

/**
 * A level 2 of the true simulator for the hierarchical oracle: its latent is the position (as the
 * oracle's level 1) and a macro-action is a displacement held for `stepSkip` steps of the true
 * dynamics, so the planner over it searches the same paths as one over primitive actions held
 * `stepSkip` steps, and hands the position after one macro-step down as the subgoal.
 */
export function twoRoomsOracleLevel(layout: TwoRoomsLayout, options: TwoRoomsOracleLevelOptions): PlanningLevel {
  const { stepSkip, horizon, planner } = options;
  if (!Number.isInteger(stepSkip) || stepSkip < 1) throw new Error(`twoRoomsOracleLevel: stepSkip must be a positive integer, got ${String(stepSkip)}.`);
  return { model: simulatorWorldModel({ stateDim: 2, actionDim: 2, step: heldActionStep(twoRoomsOracleStep(layout), stepSkip) }), stepSkip, horizon, planner };
}

/**
 * The two-level hierarchical planner through the true simulator of one layout: CEM over
 * macro-steps of {@link twoRoomsOracleLevel} above CEM over primitive actions toward its subgoals,
 * with `TWO_ROOMS_PLANNING.hierarchical`'s settings unless given. Build one per episode (the upper
 * level simulates that episode's layout), e.g. as `evaluateTwoRoomsPlanning`'s planner function.
 */
export function twoRoomsHierarchicalOracle(layout: TwoRoomsLayout, settings: TwoRoomsHierarchicalSettings = TWO_ROOMS_PLANNING.hierarchical): HierarchicalPlanner {
  return new HierarchicalPlanner({
    planner: new CemPlanner(settings.search),
    horizon: settings.horizon,
    levels: [twoRoomsOracleLevel(layout, { stepSkip: settings.stepSkip, horizon: settings.levelHorizon, planner: new CemPlanner(settings.levelSearch) })],
  });
}
