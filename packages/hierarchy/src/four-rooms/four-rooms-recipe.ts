import type { WorldModelPlanningDefaults } from '../evaluation/planning-defaults.js';
import { LATENT_LEVEL_RECIPE, type LatentLevelRecipe } from '../levels/latent-level-recipe.js';
import { TWO_ROOMS_RECIPE } from '../two-rooms/two-rooms-recipe.js';
import type { WorldModelTrainingConfig } from '../training/world-model-trainable.js';

/**
 * The default Four Rooms world-model recipe (`jepa train world-model --env four-rooms`): the Two
 * Rooms recipe's model and training (`TWO_ROOMS_RECIPE.training`: 32-px frames, a 128-wide latent,
 * the GRU predictor, 2,500 updates of 64 windows of 17 frames) on 4,000 Four Rooms trajectories of
 * 90 actions (half door-waypoint expert, half smooth exploration, a closed door half the time), and
 * a level 2 above it (`jepa train level`).
 */
export const FOUR_ROOMS_RECIPE = {
  /** The offline data: Four Rooms trajectories of 90 actions. */
  dataset: {
    /** Trajectories generated (half expert, half exploration). */
    trajectories: 4000,
    /** Seed of the generator. */
    seed: 1,
  },
  /** The Two Rooms recipe's model and training. */
  training: TWO_ROOMS_RECIPE.training,
  /** The level 2 above the world model ({@link LATENT_LEVEL_RECIPE}). */
  level: LATENT_LEVEL_RECIPE,
} as const satisfies { dataset: { trajectories: number; seed: number }; training: WorldModelTrainingConfig; level: LatentLevelRecipe };

/**
 * Planning defaults for Four Rooms tasks (start and goal two doors apart; a step budget of 2.8x the
 * expert's steps). Flat CEM holds each sampled action 15 steps over a 90-step horizon and replans every
 * 10 actions; the two-level planner searches up to 10 macro-steps of 15 actions (400 x 20 at level 2)
 * and hands the first down as a subgoal to CEM over 15 actions (100 x 10), replanning every 10 actions,
 * which matches the flat search's compute. Measured with `FOUR_ROOMS_RECIPE`'s model and level (100
 * tasks, seed 0): flat 65 % (55.3-73.6 %, 0.31 M predicted steps per task), two levels 54 %
 * (44.3-63.4 %, 0.30 M; replanning every 5 actions: 39 %, 0.58 M). Through the true simulator (the
 * oracle) flat CEM reaches 96 % and two levels 67 %, 92 % replanning every 5 (0.57 M): the tasks fit in
 * the flat search's horizon, so the hierarchy does not pay at this scale.
 */
export const FOUR_ROOMS_PLANNING = {
  /** Actions per flat plan. */
  horizon: 90,
  /** Actions executed before replanning. */
  replanEvery: 10,
  /** The latent distance at the plan's end. */
  cost: 'final',
  /** Flat CEM: 100 samples x 10 iterations, 10 elites, each sampled action held 15 steps. */
  cem: {
    /** {@inheritDoc CemPlannerOptions.samples} */
    samples: 100,
    /** {@inheritDoc CemPlannerOptions.iterations} */
    iterations: 10,
    /** {@inheritDoc CemPlannerOptions.elites} */
    elites: 10,
    /** Steps each sampled action is held for. */
    actionRepeat: 15,
  },
  /** Flat MPPI, with CEM's search sizes. */
  mppi: {
    /** {@inheritDoc MppiPlannerOptions.samples} */
    samples: 100,
    /** {@inheritDoc MppiPlannerOptions.iterations} */
    iterations: 10,
    /** {@inheritDoc MppiPlannerOptions.elites} */
    elites: 10,
    /** Steps each sampled action is held for. */
    actionRepeat: 15,
  },
  /** The two-level planner: level 2 over macro-steps of 15 actions, CEM over 15 actions at level 1. */
  hierarchical: {
    /** Primitive steps per level-2 step. */
    stepSkip: 15,
    /** Level-2 steps per plan, at most. */
    levelHorizon: 10,
    /** The level-2 search: CEM, 400 samples x 20 iterations, 10 elites. */
    levelSearch: {
      /** {@inheritDoc CemPlannerOptions.samples} */
      samples: 400,
      /** {@inheritDoc CemPlannerOptions.iterations} */
      iterations: 20,
      /** {@inheritDoc CemPlannerOptions.elites} */
      elites: 10,
    },
    /** Level-1 actions per plan toward a subgoal. */
    horizon: 15,
    /** Actions executed between plans. */
    replanEvery: 10,
    /** The level-1 search: CEM, 100 samples x 10 iterations, 10 elites, actions held 5 steps. */
    search: {
      /** {@inheritDoc CemPlannerOptions.samples} */
      samples: 100,
      /** {@inheritDoc CemPlannerOptions.iterations} */
      iterations: 10,
      /** {@inheritDoc CemPlannerOptions.elites} */
      elites: 10,
      /** Steps each sampled action is held for. */
      actionRepeat: 5,
    },
  },
} as const satisfies WorldModelPlanningDefaults;
