import * as tf from '@tensorflow/tfjs';
import { Linear, Module } from '@jepa/core';

/**
 * eb_jepa's inverse dynamics model: an MLP that reads two consecutive latent states and predicts
 * the action between them (`Linear(2D, hidden) -> ReLU -> Linear(hidden, hidden) -> ReLU ->
 * Linear(hidden, A)`, truncated-normal 0.02 weights, zero biases). Its loss keeps the latents
 * informative about actions, which prevents the collapse a world model otherwise finds.
 *
 * Shape legend: `M` pairs, `D` latent width, `A` action size.
 */
export class InverseDynamicsModel extends Module {
  /** `2D -> hidden`, then ReLU. */
  readonly fc1: Linear;
  /** `hidden -> hidden`, then ReLU. */
  readonly fc2: Linear;
  /** `hidden -> A`: the predicted action. */
  readonly fc3: Linear;

  /**
   * @param latentDim Width `D` of a latent state. @param actionDim Size `A` of an action. @param hiddenDim
   * Width of the two hidden layers.
   */
  constructor(readonly latentDim: number, readonly actionDim: number, readonly hiddenDim = 256) {
    super();
    this.fc1 = this.addModule('fc1', new Linear(2 * latentDim, hiddenDim));
    this.fc2 = this.addModule('fc2', new Linear(hiddenDim, hiddenDim));
    this.fc3 = this.addModule('fc3', new Linear(hiddenDim, actionDim));
  }

  /** @param before `[M, D]` @param after `[M, D]` @returns `[M, A]` the predicted actions */
  apply(before: tf.Tensor2D, after: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const h = tf.relu(this.fc1.apply(tf.concat([before, after], 1)));
      return this.fc3.apply(tf.relu(this.fc2.apply(h))) as tf.Tensor2D;
    });
  }
}
