import type { WorldModel } from '@jepa/core';
import { TwoRoomsEpisode } from '../env/two-rooms/episode.js';
import type { TwoRoomsLayout } from '../env/two-rooms/layout.js';
import { renderTwoRoomsFrames } from '../env/two-rooms/render-frames.js';
import type { FrameObservation } from '../model/action-conditioned-world-model.js';
import {
  evaluatePlanning,
  summarizePlanningEpisodes,
  type PlanningEnvironment,
  type PlanningEpisodeResult,
  type PlanningEpisodeSetup,
  type PlanningEpisodeSummary,
  type PlanningEvaluationOptions,
  type PlanningReport,
} from '../evaluation/planning-evaluation.js';
import { twoRoomsOracleStep } from './two-rooms-oracle.js';

/** How Two Rooms episodes are planned and scored (the reference's protocol by default). */
export interface TwoRoomsPlanningOptions extends PlanningEvaluationOptions<TwoRoomsLayout> {
  /** Seed of the episodes (tasks and contact noise) and of the planner's sampling. */
  readonly seed: number;
  /** Frame side the world model takes (ignored by the oracle). */
  readonly imageSize: number;
  /** Actions per episode. Default 200. */
  readonly plannedSteps?: number;
  /** Success radius around the goal, world pixels. Default 4.5. */
  readonly successDistance?: number;
}

/** What a per-episode Two Rooms planner is built from. */
export type TwoRoomsEpisodeSetup = PlanningEpisodeSetup<TwoRoomsLayout>;
/** One planned Two Rooms episode. */
export type TwoRoomsEpisodeResult = PlanningEpisodeResult<TwoRoomsLayout>;
/** What a set of episodes adds up to (see {@link summarizePlanningEpisodes}). */
export type TwoRoomsEpisodeSummary = PlanningEpisodeSummary;
/** The result of {@link evaluateTwoRoomsPlanning}. */
export type TwoRoomsPlanningReport = PlanningReport<TwoRoomsLayout>;

/** Adds up Two Rooms episode results (at least one); {@link summarizePlanningEpisodes}. */
export const summarizeTwoRoomsEpisodes = summarizePlanningEpisodes;

/**
 * Two Rooms as {@link evaluatePlanning} plans it: episodes of `TwoRoomsEpisode` (a new layout, a
 * start in one room and a goal in the other, one zero-action step), `plannedSteps` actions each,
 * the evaluation collision model; the oracle steps it with contact noise off.
 */
export function twoRoomsPlanningEnvironment(options: { readonly seed: number; readonly imageSize: number; readonly plannedSteps?: number; readonly successDistance?: number }): PlanningEnvironment<TwoRoomsLayout> {
  const { seed, imageSize } = options;
  const plannedSteps = options.plannedSteps ?? 200;
  return {
    name: 'Two Rooms',
    reset: (index) => new TwoRoomsEpisode({ seed, imageSize, plannedSteps, successDistance: options.successDistance ?? 4.5 }).reset(index),
    maxSteps: () => plannedSteps,
    oracleStep: twoRoomsOracleStep,
    renderPositions: (layout, positions) => renderTwoRoomsFrames({ positions, layouts: [layout.wallX, layout.doorY], imageSize }),
  };
}

/**
 * Plans Two Rooms episodes as the reference evaluates them (`main_eval`): each episode draws a new
 * layout, a start in one room and a goal in the other, takes one zero-action step, then executes
 * `plannedSteps` planned actions under the evaluation collision model; it succeeds when the final
 * distance to the goal is below `successDistance`. With `model: 'oracle'` the planner plans through
 * the true simulator (positions as latents, contact noise off), so planner failures and model
 * failures can be told apart; with `oracleCost: { scoredBy }` it scores the simulated states with a
 * learned encoder, which tells the encoder's failures (the cost's shape) from the predictor's.
 */
export function evaluateTwoRoomsPlanning(model: WorldModel<FrameObservation> | 'oracle', options: TwoRoomsPlanningOptions): TwoRoomsPlanningReport {
  return evaluatePlanning(twoRoomsPlanningEnvironment(options), model, options);
}
