import type * as tf from '@tensorflow/tfjs';

/**
 * An action-conditioned model of dynamics in representation space (a JEPA world model): it
 * encodes observations into latent states and predicts the latent state after each action. A
 * higher level of a hierarchy is a `WorldModel` too, whose observations are the latents of the
 * level below and whose actions are macro-actions.
 *
 * Shape legend: `S` samples (batch), `H` horizon (actions), `N` tokens per latent state, `D` width,
 * `A` action size.
 */
export interface WorldModel<Observation = tf.Tensor> {
  /** Action size `A`. */
  readonly actionDim: number;
  /** Observations (e.g. frames `[S, H, W, C]`) to latent states `[S, N, D]`. */
  encode(observation: Observation): tf.Tensor3D;
  /**
   * The latent state after each action, predicted autoregressively from `z0`.
   * @param z0 `[S, N, D]` start states
   * @param actions `[S, H, A]`
   * @returns `[S, H, N, D]`: entry `h` is the state after actions `0..h`
   */
  rollout(z0: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor4D;
}
