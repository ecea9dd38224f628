import type * as tf from '@tensorflow/tfjs';
import type { Module, Predictor } from '@jepa/core';

/**
 * The condition of an action-conditioned predictor: the actions of each sample by time step,
 * `[B, T, A]`; action `t` moves the state of frame `t` to frame `t + 1`.
 */
export interface ActionCondition {
  /** `[B, T, A]`: action `t` of each sample moves frame `t` to frame `t + 1`. */
  readonly actions: tf.Tensor3D;
}

/**
 * A predictor of latent dynamics under actions, over the time grid `[T]` of frame latents (one
 * token per frame). Besides the core `Predictor` contract (predict target frames from context
 * frames, with the actions as the condition) it rolls a state forward autoregressively, which is
 * what training with multi-step rollouts and planning call.
 *
 * Shape legend: `B` batch, `H` horizon, `N` tokens per state (1 here), `D` width, `A` action size.
 */
export interface ActionPredictor extends Predictor<ActionCondition>, Module {
  /** Width `D` of the latent states it reads and predicts. */
  readonly latentDim: number;
  /** Size `A` of an action. */
  readonly actionDim: number;
  /**
   * @param z0 `[B, N, D]` start states
   * @param actions `[B, H, A]`
   * @returns `[B, H, N, D]`: the state after each action, each predicted from the previous prediction
   */
  rollout(z0: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor4D;
}
