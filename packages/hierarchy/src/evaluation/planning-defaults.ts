import type { CemPlannerOptions } from '../planning/cem-planner.js';
import type { HierarchicalSearchSettings } from '../planning/hierarchical-search.js';
import type { LatentDistanceReduction } from '../planning/latent-distance-cost.js';
import type { MppiPlannerOptions } from '../planning/mppi-planner.js';

/** {@link HierarchicalSearchSettings} and the episode loop's cadence. */
export interface HierarchicalPlanningDefaults extends HierarchicalSearchSettings {
  /** Actions executed between plans. */
  readonly replanEvery: number;
}

/** The planning defaults of an environment (`TWO_ROOMS_PLANNING`, `FOUR_ROOMS_PLANNING`): flat CEM and MPPI, and the two-level planner. */
export interface WorldModelPlanningDefaults {
  /** Actions per flat plan (at most the steps left). */
  readonly horizon: number;
  /** Actions executed from each flat plan before replanning. */
  readonly replanEvery: number;
  /** Which predicted steps the flat planners' latent-distance cost scores. */
  readonly cost: LatentDistanceReduction;
  /** Flat CEM settings. */
  readonly cem: CemPlannerOptions;
  /** Flat MPPI settings. */
  readonly mppi: MppiPlannerOptions;
  /** The two-level planner's settings and cadence. */
  readonly hierarchical: HierarchicalPlanningDefaults;
}
