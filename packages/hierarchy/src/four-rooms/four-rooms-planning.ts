import type { WorldModel } from '@jepa/core';
import { stepFourRooms } from '../env/four-rooms/collision.js';
import { FourRoomsEpisode } from '../env/four-rooms/episode.js';
import { fourRoomsLayoutCode, type FourRoomsLayout } from '../env/four-rooms/layout.js';
import { renderFourRoomsFrames } from '../env/four-rooms/render-frames.js';
import { evaluatePlanning, type PlanningEnvironment, type PlanningEvaluationOptions, type PlanningReport } from '../evaluation/planning-evaluation.js';
import type { FrameObservation } from '../model/action-conditioned-world-model.js';
import type { HierarchicalPlanner, PlanningLevel } from '../planning/hierarchical-planner.js';
import { hierarchicalCemPlanner, simulatorLevel, type HierarchicalSearchSettings } from '../planning/hierarchical-search.js';

/** How Four Rooms episodes are planned and scored. */
export interface FourRoomsPlanningOptions extends PlanningEvaluationOptions<FourRoomsLayout> {
  /** Seed of the tasks and of the planner's sampling. */
  readonly seed: number;
  /** Frame side the world model takes (ignored by the oracle). */
  readonly imageSize: number;
  /** Success radius around the goal, world pixels. Default 4.5. */
  readonly successDistance?: number;
}

/** The true Four Rooms dynamics of one layout as the oracle plans with them (`stepFourRooms`, deterministic). */
export function fourRoomsOracleStep(layout: FourRoomsLayout): (state: Float32Array, action: Float32Array) => Float32Array {
  return (state, action) => Float32Array.from(stepFourRooms(layout, state, action));
}

/**
 * Four Rooms as `evaluatePlanning` plans it: the seeded two-door tasks of `FourRoomsEpisode`, each
 * with its own step budget (`round(2.8 x` the expert's steps`)`), ending at the goal or when the
 * budget is spent.
 */
export function fourRoomsPlanningEnvironment(options: { readonly seed: number; readonly imageSize: number; readonly successDistance?: number }): PlanningEnvironment<FourRoomsLayout, FourRoomsEpisode> {
  const { seed, imageSize } = options;
  return {
    name: 'Four Rooms',
    reset: (index) => new FourRoomsEpisode({ seed, imageSize, ...(options.successDistance !== undefined ? { successDistance: options.successDistance } : {}) }).reset(index),
    maxSteps: (episode) => episode.budget,
    oracleStep: fourRoomsOracleStep,
    renderPositions: (layout, positions) => renderFourRoomsFrames({ positions, layouts: [fourRoomsLayoutCode(layout)], doors: layout.doors, imageSize }),
  };
}

/**
 * Plans Four Rooms tasks (start and goal two doors apart, a closed door half the time) with a
 * learned world model or, with `model: 'oracle'`, through the true simulator, and reports the success
 * rate with its 95 % interval and the planning compute per task.
 */
export function evaluateFourRoomsPlanning(model: WorldModel<FrameObservation> | 'oracle', options: FourRoomsPlanningOptions): PlanningReport<FourRoomsLayout> {
  return evaluatePlanning(fourRoomsPlanningEnvironment(options), model, options);
}

/** A level 2 of the true Four Rooms simulator ({@link simulatorLevel} of {@link fourRoomsOracleStep}). */
export function fourRoomsOracleLevel(layout: FourRoomsLayout, options: { readonly stepSkip: number; readonly horizon: number; readonly planner: PlanningLevel['planner'] }): PlanningLevel {
  return simulatorLevel(fourRoomsOracleStep(layout), options);
}

/** The two-level planner through the true simulator of one Four Rooms layout (build one per task). */
export function fourRoomsHierarchicalOracle(layout: FourRoomsLayout, settings: HierarchicalSearchSettings): HierarchicalPlanner {
  return hierarchicalCemPlanner(settings, (options) => fourRoomsOracleLevel(layout, options));
}
