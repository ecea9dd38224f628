// Planning evaluation of 2-D navigation environments (Two Rooms, Four Rooms): episodes, oracle, success rates.
export {
  evaluatePlanning,
  summarizePlanningEpisodes,
  type PlanarVector,
  type PlanningEnvironment,
  type PlanningEpisode,
  type PlanningEpisodeResult,
  type PlanningEpisodeSetup,
  type PlanningEpisodeSummary,
  type PlanningEvaluationOptions,
  type PlanningReport,
} from './planning-evaluation.js';
export { encoderScoredCost, type EncoderScoredCostOptions } from './encoder-scored-cost.js';
export { wilsonInterval } from './wilson-interval.js';
export type { HierarchicalPlanningDefaults, WorldModelPlanningDefaults } from './planning-defaults.js';
