import type { Planner } from '@jepa/core';
import type { HierarchicalPlanner } from '../planning/hierarchical-planner.js';
import { hierarchicalCemPlanner, simulatorLevel, type HierarchicalSearchSettings } from '../planning/hierarchical-search.js';
import { TWO_ROOMS_PLANNING } from './two-rooms-recipe.js';
import { stepWithEvalCollision } from '../env/two-rooms/eval-collision.js';
import type { TwoRoomsLayout } from '../env/two-rooms/layout.js';
import type { PlanningLevel } from '../planning/hierarchical-planner.js';

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

/** A level 2 of the true Two Rooms simulator for the hierarchical oracle ({@link simulatorLevel} of {@link twoRoomsOracleStep}). */
export function twoRoomsOracleLevel(layout: TwoRoomsLayout, options: TwoRoomsOracleLevelOptions): PlanningLevel {
  return simulatorLevel(twoRoomsOracleStep(layout), options);
}

/**
 * The two-level hierarchical planner through the true simulator of one layout: CEM over
 * macro-steps of {@link twoRoomsOracleLevel} above CEM over primitive actions toward its subgoals,
 * with `TWO_ROOMS_PLANNING.hierarchical`'s settings unless given. Build one per episode (the upper
 * level simulates that episode's layout), e.g. as `evaluateTwoRoomsPlanning`'s planner function.
 */
export function twoRoomsHierarchicalOracle(layout: TwoRoomsLayout, settings: HierarchicalSearchSettings = TWO_ROOMS_PLANNING.hierarchical): HierarchicalPlanner {
  return hierarchicalCemPlanner(settings, (options) => twoRoomsOracleLevel(layout, options));
}
