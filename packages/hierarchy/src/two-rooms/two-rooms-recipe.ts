import { EB_JEPA_TWO_ROOMS_REGULARIZERS } from '@jepa/core';
import type { CemPlannerOptions } from '../planning/cem-planner.js';
import type { HierarchicalSearchSettings } from '../planning/hierarchical-search.js';
import type { HierarchicalPlanningDefaults, WorldModelPlanningDefaults } from '../evaluation/planning-defaults.js';
import type { LatentDistanceReduction } from '../planning/latent-distance-cost.js';
import type { MppiPlannerOptions } from '../planning/mppi-planner.js';
import type { WorldModelTrainingConfig } from '../training/world-model-trainable.js';

/**
 * The default Two Rooms world-model recipe (used by `jepa train world-model --env two-rooms` and
 * apps/two-rooms): eb_jepa's AC-JEPA objective scaled to train in about 20 minutes on two CPU
 * cores (wasm). Frames are rendered at 32 x 32 (the reference renders 65 x 65) and encoded by a
 * 3-stage 2 x 2 stride-2 convolutional encoder to a 128-wide latent (the reference: an IMPALA
 * encoder to 512). The GRU predictor, the anti-collapse coefficients (variance 16, covariance 8,
 * temporal similarity 12), AdamW 1e-3 with 10 % warm-up and cosine decay to 1e-5, and per-module
 * clipping at 2 are the reference's. Two settings differ, chosen by planning success: the
 * autoregressive prediction loss runs over 16 steps (the reference: 8), and the inverse dynamics
 * term weighs 8 (the reference: 1; at 1 this narrower, shorter-trained model reached 10-20 %
 * success, at 4 and 8 50-60 %: the term is what makes the latent follow the agent, not the wall).
 * Batches are 64 windows of 17 frames (the reference: 384) from 4,000 offline trajectories.
 */
export const TWO_ROOMS_RECIPE = {
  /** The offline data: random-walk trajectories of the Two Rooms environment. */
  dataset: {
    /** Trajectories generated. */
    trajectories: 4000,
    /** Seed of the generator. */
    seed: 1,
  },
  /** The world model and its training. */
  training: {
    /** The architecture. */
    model: {
      /** Frames rendered at 32 x 32 (the reference: 65 x 65). */
      imageSize: 32,
      /** Two channels per frame, as the reference renders them: the agent dot and the walls. */
      inChannels: 2,
      /** A 2-D displacement per action. */
      actionDim: 2,
      /** The convolutional frame encoder. */
      encoder: {
        /** Three 2 x 2 stride-2 stages: 32 -> 16 -> 8 -> 4 pixels. */
        stages: [16, 32, 32],
        /** Latent width 128 (the reference's IMPALA encoder: 512). */
        latentDim: 128,
      },
      /** The reference's predictor. */
      predictor: {
        /** eb_jepa's GRU predictor. */
        kind: 'gru',
      },
      /** The inverse dynamics model. */
      inverseDynamics: {
        /** Width of its hidden layers. */
        hiddenDim: 256,
      },
    },
    /** The objective. */
    loss: {
      /** Autoregressive prediction over 16 steps (the reference: 8), chosen by planning success. */
      predictionSteps: 16,
      /** Each prediction feeds the next, as the reference. */
      prediction: 'rollout',
      /** The reference's anti-collapse coefficients: variance 16 (margin 1), covariance 8, temporal similarity 12. */
      regularizers: EB_JEPA_TWO_ROOMS_REGULARIZERS,
      /** 8 (the reference: 1); at 1 this model reached 10-20 % planning success, at 4 and 8 50-60 %. */
      inverseDynamicsWeight: 8,
    },
    /** Windows of 17 frames, as the reference. */
    windowLength: 17,
    /** The reference's AdamW schedule, on smaller batches. */
    optimization: {
      /** Optimizer updates (about 18 minutes on two CPU cores). */
      steps: 2500,
      /** Windows per update (the reference: 384). */
      batchSize: 64,
      /** Peak learning rate. */
      lr: 1e-3,
      /** Learning rate at the start of the warm-up. */
      startLr: 0,
      /** Learning rate at the last update (cosine decay). */
      finalLr: 1e-5,
      /** 10 % linear warm-up. */
      warmupSteps: 250,
      /** AdamW weight decay. */
      weightDecay: 1e-5,
      /** Per-module gradient-norm clipping. */
      clipGradNorm: 2,
    },
    /** Seed of the initial weights and of the batch draws. */
    seed: 0,
  },
} as const satisfies { dataset: { trajectories: number; seed: number }; training: WorldModelTrainingConfig };

/** The settings of the two-level Two Rooms planner (`twoRoomsHierarchicalOracle`). */
export type TwoRoomsHierarchicalSettings = HierarchicalSearchSettings;

/** {@link TwoRoomsHierarchicalSettings} and the episode loop's cadence, as `TWO_ROOMS_PLANNING.hierarchical`. */
export type TwoRoomsHierarchicalPlanning = HierarchicalPlanningDefaults;

/**
 * Planning defaults for Two Rooms episodes (the evaluation protocol is the reference's: 200 actions,
 * success under 4.5 px). The reference searches 200 samples x 20 iterations over up to 90 actions and
 * replans after every action: about 10 minutes per episode on two CPU cores. Here each sampled action
 * is held for `actionRepeat` steps (3 decisions per 45-step plan), the cost is the latent distance at
 * the plan's end (`'final'`; the reference sums it over the horizon, which favours paths that head
 * straight at the goal and so into the wall), and 10 actions are executed before replanning: about
 * 12 s per episode, so that 100 episodes fit in a CPU evaluation. Through the true simulator (the
 * oracle, 100 episodes) these settings reach 83 %, 89 % with horizon 90; summed costs 71 % (horizon
 * 90, action repeat 10). The failures are doors far from the straight line to the goal, where the
 * distance to the goal has a local minimum at the wall.
 */
export const TWO_ROOMS_PLANNING = {
  /** Actions per flat plan. */
  horizon: 45,
  /** Actions executed before replanning. */
  replanEvery: 10,
  /** The latent distance at the plan's end (the reference sums it over the horizon). */
  cost: 'final',
  /** Flat CEM: 100 samples x 10 iterations, 10 elites, each sampled action held 15 steps. */
  cem: {
    /** {@inheritDoc CemPlannerOptions.samples} */
    samples: 100,
    /** {@inheritDoc CemPlannerOptions.iterations} */
    iterations: 10,
    /** {@inheritDoc CemPlannerOptions.elites} */
    elites: 10,
    /** Steps each sampled action is held for: 3 decisions per 45-step plan. */
    actionRepeat: 15,
  } satisfies CemPlannerOptions,
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
  } satisfies MppiPlannerOptions,
  /**
   * The hierarchical planner (two levels): level 2 plans up to `levelHorizon` macro-steps of
   * `stepSkip` actions (150 actions) with `levelSearch`; level 1 plans `horizon` actions toward its
   * subgoal with `search`, and `replanEvery` actions run between plans. Through the true simulator
   * (`twoRoomsHierarchicalOracle`, `jepa plan --planner oracle --oracle-planner hierarchical`) it
   * reached 98 of 100 episodes (seed 0; 95 % interval 93.0-99.4 %) with 2.7 M predicted steps per
   * episode (level-2 steps counted once), where the flat search above reached 83 (89 at horizon 90,
   * 1.4 M steps) and 6x its samples and iterations at horizon 90 recovered 2 of the 11 episodes it
   * missed there.
   */
  hierarchical: {
    /** Primitive steps per level-2 step. */
    stepSkip: 15,
    /** Level-2 steps per plan, at most (150 actions). */
    levelHorizon: 10,
    /** The level-2 search: CEM, 400 samples x 20 iterations, 10 elites. */
    levelSearch: {
      /** {@inheritDoc CemPlannerOptions.samples} */
      samples: 400,
      /** {@inheritDoc CemPlannerOptions.iterations} */
      iterations: 20,
      /** {@inheritDoc CemPlannerOptions.elites} */
      elites: 10,
    } satisfies CemPlannerOptions,
    /** Level-1 actions per plan toward a subgoal. */
    horizon: 15,
    /** Actions executed between plans. */
    replanEvery: 5,
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
    } satisfies CemPlannerOptions,
  },
} as const satisfies WorldModelPlanningDefaults;
