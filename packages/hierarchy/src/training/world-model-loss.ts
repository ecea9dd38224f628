import * as tf from '@tensorflow/tfjs';
import { regularizedLoss, regularizerTerms, type LossTerm, type RegularizerConfig, type Rng } from '@jepa/core';
import type { ActionConditionedWorldModel } from '../model/action-conditioned-world-model.js';
import { BlockCausalActionPredictor } from '../model/block-causal-action-predictor.js';
import { GruActionPredictor } from '../model/gru-action-predictor.js';

/** How a world model is trained (eb_jepa's Two Rooms objective by default). */
export interface WorldModelLossConfig {
  /** Predicted steps from the first frame of each window (eb_jepa: 8). */
  readonly predictionSteps: number;
  /**
   * `rollout`: each prediction feeds the next (eb_jepa's autoregressive unroll, default);
   * `teacher-forcing`: each step is predicted from the encoded true frame.
   */
  readonly prediction: 'rollout' | 'teacher-forcing';
  /** Anti-collapse terms on the encoded windows (variance, covariance, temporal similarity, SIGReg). */
  readonly regularizers: RegularizerConfig;
  /** Weight of the inverse dynamics loss (eb_jepa `idm_coeff` 1; 0 for the ablation). Needs the model's inverse dynamics module. */
  readonly inverseDynamicsWeight: number;
}

/**
 * The world-model loss of one batch of windows, after eb_jepa (`examples/ac_video_jepa`): every
 * frame is encoded by the one encoder (no EMA target, no stop-gradient); the prediction loss is the
 * mean squared error between the predicted and the encoded latents of frames `1..predictionSteps`;
 * the regularisers see all frames; the inverse dynamics model predicts each action from the latents
 * before and after it (mean squared error on the raw actions).
 *
 * Call it inside the gradient tape. `parts` (unweighted) are for logging; `total` is the loss.
 *
 * @param frames `[B * T, H, W, C]` the windows' frames, window-major
 * @param actions `[B, T, A]` action `t` moves frame `t` to `t + 1` (the last is not used)
 * @param rng stream for SIGReg's directions (when configured)
 */
export function worldModelLoss(
  model: ActionConditionedWorldModel,
  frames: tf.Tensor4D,
  actions: tf.Tensor3D,
  config: WorldModelLossConfig,
  rng?: Rng,
): {
  /** The weighted sum of every term: the loss to minimise. */
  total: tf.Scalar;
  /** Each term unweighted, by name (`prediction`, the regularisers, `inverseDynamics`), for logging. */
  parts: Record<string, tf.Scalar>;
} {
  const [batch, windowLength, actionDim] = actions.shape;
  const steps = config.predictionSteps;
  if (frames.shape[0] !== batch * windowLength) {
    throw new Error(`worldModelLoss: ${frames.shape[0]} frames are not ${batch} windows of ${windowLength} (actions [${actions.shape.join(', ')}]); give frames [B * T, H, W, C].`);
  }
  if (!Number.isInteger(steps) || steps < 1 || steps >= windowLength) {
    throw new Error(`worldModelLoss: predictionSteps must be an integer in [1, ${windowLength - 1}] for windows of ${windowLength} frames, got ${steps}.`);
  }
  if (config.inverseDynamicsWeight !== 0 && !model.inverseDynamics) {
    throw new Error('worldModelLoss: inverseDynamicsWeight is not 0 but the model has no inverse dynamics module; build it with inverseDynamics, or set the weight to 0.');
  }
  const dim = model.latentDim;
  const latents = tf.reshape(model.encode(frames), [batch, windowLength, dim]) as tf.Tensor3D;
  const targets = tf.slice(latents, [0, 1, 0], [-1, steps, -1]);
  const stepActions = tf.slice(actions, [0, 0, 0], [-1, steps, -1]) as tf.Tensor3D;
  let predicted: tf.Tensor;
  if (config.prediction === 'rollout') {
    predicted = model.rollout(tf.slice(latents, [0, 0, 0], [-1, 1, -1]) as tf.Tensor3D, stepActions);
  } else if (model.predictor instanceof GruActionPredictor) {
    const gru = model.predictor;
    const from = tf.reshape(tf.slice(latents, [0, 0, 0], [-1, steps, -1]), [batch * steps, dim]) as tf.Tensor2D;
    predicted = gru.step(from, tf.reshape(stepActions, [batch * steps, actionDim]) as tf.Tensor2D);
  } else if (model.predictor instanceof BlockCausalActionPredictor) {
    predicted = model.predictor.predictNext(tf.slice(latents, [0, 0, 0], [-1, steps, -1]) as tf.Tensor3D, stepActions);
  } else {
    throw new Error('worldModelLoss: teacher forcing needs a GruActionPredictor or a BlockCausalActionPredictor; use prediction: \'rollout\'.');
  }
  const prediction = tf.mean(tf.square(tf.sub(tf.reshape(predicted, [batch, steps, dim]), targets))) as tf.Scalar;
  const terms: LossTerm[] = [{ name: 'prediction', weight: 1, value: prediction }, ...regularizerTerms(latents, config.regularizers, rng)];
  if (model.inverseDynamics && windowLength > 1) {
    const pairs = batch * (windowLength - 1);
    const before = tf.reshape(tf.slice(latents, [0, 0, 0], [-1, windowLength - 1, -1]), [pairs, dim]) as tf.Tensor2D;
    const after = tf.reshape(tf.slice(latents, [0, 1, 0], [-1, windowLength - 1, -1]), [pairs, dim]) as tf.Tensor2D;
    const taken = tf.reshape(tf.slice(actions, [0, 0, 0], [-1, windowLength - 1, -1]), [pairs, actionDim]);
    const inverse = tf.mean(tf.square(tf.sub(model.inverseDynamics.apply(before, after), taken))) as tf.Scalar;
    terms.push({ name: 'inverseDynamics', weight: config.inverseDynamicsWeight, value: inverse });
  }
  return regularizedLoss(terms);
}
