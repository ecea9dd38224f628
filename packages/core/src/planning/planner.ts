import type * as tf from '@tensorflow/tfjs';
import type { WorldModel } from '../model/world-model.js';
import type { Rng } from '../random/rng.js';

/**
 * Scores sampled plans: predicted latents `[S, H, N, D]` against a goal `[1, N, D]`, to costs `[S]`
 * (lower is better). `start` `[1, N, D]` is the state the rollout began from (the problem's
 * `start`), for costs that score it too, as the eb_jepa reference's `t = 0` term; most ignore it.
 * Runs inside the planner's `tf.tidy`.
 */
export type PlanCost = (predicted: tf.Tensor4D, goal: tf.Tensor3D, start: tf.Tensor3D) => tf.Tensor1D;

/** What a planner is asked: reach `goal` from `start` under `model`, with `horizon` actions. */
export interface PlanningProblem<Observation = tf.Tensor> {
  /** The world model whose rollouts the planner searches through. */
  readonly model: WorldModel<Observation>;
  /** `[1, N, D]` the current latent state. */
  readonly start: tf.Tensor3D;
  /** `[1, N, D]` the latent state to reach. */
  readonly goal: tf.Tensor3D;
  /** Actions in the plan (`H`). */
  readonly horizon: number;
  /** Default: the planner's (e.g. squared latent distance summed over the horizon). */
  readonly cost?: PlanCost;
  /** A previous plan `[H', A]` to start from (warm start), e.g. the last plan shifted by the steps executed. */
  readonly initialPlan?: Float32Array;
}

/** A plan and what it cost to find it. */
export interface Plan {
  /** `[H, A]` row-major: the actions, first to execute first. */
  readonly actions: Float32Array;
  /** Actions in the plan (`H`). */
  readonly horizon: number;
  /** Values per action (`A`). */
  readonly actionDim: number;
  /** Cost of `actions` under the model (as the planner scored it). */
  readonly cost: number;
  /** Planning compute: calls of `model.rollout`, and predicted latent steps (samples x horizon, summed). */
  readonly rolloutCalls: number;
  /** Predicted latent steps spent (samples x horizon, summed over calls). */
  readonly predictedSteps: number;
  /** Wall-clock seconds spent planning. */
  readonly seconds: number;
}

/** Finds actions whose predicted latents reach a goal latent; knows nothing about the environment. */
export interface Planner {
  /** e.g. `cem`, `mppi`. */
  readonly name: string;
  /** Searches actions for `problem`, drawing samples from `rng`; returns the best plan found. */
  plan<Observation>(problem: PlanningProblem<Observation>, rng: Rng): Plan;
}
