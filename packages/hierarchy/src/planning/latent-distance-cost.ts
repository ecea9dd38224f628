import * as tf from '@tensorflow/tfjs';
import type { PlanCost } from '@jepa/core';

/** Which predicted steps {@link latentDistanceCost} scores. */
export type LatentDistanceReduction = 'sum' | 'final';

/** Options of {@link latentDistanceCost}. */
export interface LatentDistanceCostOptions {
  /**
   * `sum` (default; the reference's `sum_all_diffs: true`): the per-step distances summed over the
   * horizon. `final` (the reference's "MPPI-last"): only the state after the last action.
   */
  readonly reduction?: LatentDistanceReduction;
  /**
   * Add the start state's distance to the goal, as the reference does (its rollout includes `z0`).
   * It is the same for every sample, so it changes the reported cost, never which plan wins.
   * Default `false`. Only with `reduction: 'sum'`.
   */
  readonly includeStart?: boolean;
}

/**
 * The reference's `repr_dist` planning cost (eb_jepa `ReprTargetDistMPCObjective`): for each
 * predicted step, the mean over the latent's `N * D` elements of the squared difference to the
 * goal; summed over the horizon (`sum`) or taken at the last step (`final`).
 *
 * Shapes: predicted `[S, H, N, D]`, goal and start `[1, N, D]` -> costs `[S]`.
 */
export function latentDistanceCost(options: LatentDistanceCostOptions = {}): PlanCost {
  const reduction = options.reduction ?? 'sum';
  const includeStart = options.includeStart ?? false;
  if (reduction !== 'sum' && reduction !== 'final') {
    throw new Error(`latentDistanceCost: reduction must be 'sum' or 'final', got ${JSON.stringify(reduction)}.`);
  }
  if (includeStart && reduction !== 'sum') {
    throw new Error("latentDistanceCost: includeStart adds the start state's term to a sum over steps; use it with reduction 'sum' (the reference's 'final' variant scores only the last state).");
  }
  return (predicted, goal, start) =>
    tf.tidy(() => {
      const [samples, horizon, tokens, width] = predicted.shape;
      checkLatent('goal', goal, tokens, width);
      const steps = reduction === 'final' ? predicted.slice([0, horizon - 1], [samples, 1]) : predicted;
      const stepCount = reduction === 'final' ? 1 : horizon;
      // [S, H', N*D] - [1, 1, N*D]: mean over the latent elements, then over nothing or the steps.
      const flat = tf.reshape(steps, [samples, stepCount, tokens * width]);
      const target = tf.reshape(goal, [1, 1, tokens * width]);
      const perStep = tf.mean(tf.squaredDifference(flat, target), 2);
      let cost = tf.sum(perStep, 1) as tf.Tensor1D;
      if (includeStart) {
        if (start === undefined) {
          throw new Error('latentDistanceCost: includeStart needs the start state; call the cost with (predicted, goal, start) as the planners do.');
        }
        checkLatent('start', start, tokens, width);
        cost = tf.add(cost, tf.mean(tf.squaredDifference(start, goal))) as tf.Tensor1D;
      }
      return cost;
    });
}

function checkLatent(name: string, latent: tf.Tensor3D, tokens: number, width: number): void {
  const [one, n, d] = latent.shape;
  if (latent.rank !== 3 || one !== 1 || n !== tokens || d !== width) {
    throw new Error(`latentDistanceCost: ${name} must be [1, ${tokens}, ${width}] like one predicted state, got [${latent.shape.join(', ')}].`);
  }
}
