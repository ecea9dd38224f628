// Latent planning over any WorldModel: costs, CEM and MPPI, hierarchical planning over stacked levels, a simulator-backed (oracle) world
// model, and the model-predictive control loop.
export { latentDistanceCost, type LatentDistanceCostOptions, type LatentDistanceReduction } from './latent-distance-cost.js';
export { CEM_REFERENCE_OPTIONS, CemPlanner, type CemPlannerOptions } from './cem-planner.js';
export { MPPI_REFERENCE_OPTIONS, MppiPlanner, type MppiExecutedPlan, type MppiPlannerOptions } from './mppi-planner.js';
export { heldActionStep } from './held-action-step.js';
export { simulatorWorldModel, type SimulatorObservation, type SimulatorWorldModelOptions } from './simulator-world-model.js';
export { runMpcEpisode, type MpcEnvironment, type MpcEpisodeOptions, type MpcEpisodeResult } from './run-mpc-episode.js';
export { clipActionNorms } from './clip-action-norms.js';
export { fillStandardNormal, sampleGaussianActions } from './gaussian-actions.js';
export { lowestCostIndices } from './lowest-cost-indices.js';
export { PlanScorer } from './plan-scorer.js';
export { HierarchicalPlanner, type HierarchicalPlannerOptions, type HierarchicalPlanTrace, type PlanningLevel } from './hierarchical-planner.js';
export { sumMacroActions } from './macro-actions.js';
export { hierarchicalCemPlanner, simulatorLevel, type HierarchicalSearchSettings } from './hierarchical-search.js';
