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
  readonly cost: LatentDistanceReduction;
  readonly cem: CemPlannerOptions;
  readonly mppi: MppiPlannerOptions;
  readonly hierarchical: HierarchicalPlanningDefaults;
}
