import * as tf from '@tensorflow/tfjs';
import type { PlanCost, WorldModel } from '@jepa/core';
import { latentDistanceCost, type LatentDistanceReduction } from '../planning/latent-distance-cost.js';
import type { FrameObservation } from '../model/action-conditioned-world-model.js';

/** Options of {@link encoderScoredCost}. */
export interface EncoderScoredCostOptions {
  /** The world model whose encoder scores the states (its predictor is not used). */
  readonly model: WorldModel<FrameObservation>;
  /**
   * Draws positions `[F * 2]` (x, y, world pixels) as the frames `[F, S, S, C]` the encoder takes, in
   * the episode's layout (e.g. `renderTwoRoomsFrames` or `renderFourRoomsFrames` with its layout).
   */
  readonly render: (positions: Float32Array) => Float32Array;
  /** Which simulated states are scored, as {@link latentDistanceCost}. Default `final`. */
  readonly reduction?: LatentDistanceReduction;
}

/**
 * A planning cost for the oracle (`simulatorWorldModel` over 2-D positions) that scores
 * simulated positions the way a learned world model scores its predictions: each scored position
 * and the goal position are drawn as frames, encoded by `model`, and compared with
 * {@link latentDistanceCost}. Planning through the true simulator with it uses the model's
 * encoder and not its predictor, so it tells failures of the latent space (the cost's shape) from
 * failures of the predictor.
 *
 * Shapes: predicted positions `[S, H, 1, 2]`, goal position `[1, 1, 2]` -> costs `[S]` (the start is
 * not scored).
 */
export function encoderScoredCost(options: EncoderScoredCostOptions): PlanCost {
  const { model, render } = options;
  const reduction = options.reduction ?? 'final';
  const distance = latentDistanceCost({ reduction });
  const encodePositions = (positions: Float32Array): tf.Tensor3D => model.encode(render(positions));
  return (predicted, goal) =>
    tf.tidy(() => {
      const [samples, horizon, tokens, width] = predicted.shape;
      if (tokens !== 1 || width !== 2) {
        throw new Error(`encoderScoredCost: predicted states must be positions [S, H, 1, 2], got [${predicted.shape.join(', ')}]; use it with the oracle (simulatorWorldModel).`);
      }
      const scored = reduction === 'final' ? predicted.slice([0, horizon - 1], [samples, 1]) : predicted;
      const steps = scored.shape[1];
      const latents = encodePositions(scored.dataSync() as Float32Array);
      const [, latentTokens, latentWidth] = latents.shape;
      const predictedLatents = tf.reshape(latents, [samples, steps, latentTokens, latentWidth]) as tf.Tensor4D;
      const goalLatent = encodePositions(goal.dataSync() as Float32Array);
      // The start's term is off in this distance (no includeStart), so the start is not encoded.
      return distance(predictedLatents, goalLatent, goalLatent);
    });
}
