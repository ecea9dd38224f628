import * as tf from '@tensorflow/tfjs';
import type { WorldModel } from '@jepa/core';

/** A linear test world model with a record of what it was asked to roll out. */
export interface LinearWorldModel extends WorldModel<tf.Tensor> {
  /** The action batches `[S, H, A]` passed to `rollout`, in order (copied out). */
  readonly rolloutActions: Array<{ samples: number; horizon: number; values: Float32Array }>;
}

/**
 * Test-only: one-token latents `[S, 1, D]` with `z_{t+1} = z_t + a_t W`, `W` `[A, D]` (rows are
 * actions), so squared-distance costs are quadratic in the actions with a known optimum.
 */
export function linearWorldModel(weight: number[][]): LinearWorldModel {
  const actionDim = weight.length;
  const width = weight[0]!.length;
  const rolloutActions: LinearWorldModel['rolloutActions'] = [];
  return {
    actionDim,
    rolloutActions,
    encode: (observation) => tf.tidy(() => tf.reshape(observation, [-1, 1, width])),
    rollout(z0, actions) {
      const [samples, horizon] = actions.shape;
      rolloutActions.push({ samples, horizon, values: Float32Array.from(actions.dataSync()) });
      return tf.tidy(() => {
        const deltas = tf.matMul(tf.reshape(actions, [samples * horizon, actionDim]), tf.tensor2d(weight));
        const states = tf.add(tf.cumsum(tf.reshape(deltas, [samples, horizon, width]), 1), z0);
        return tf.reshape(states, [samples, horizon, 1, width]);
      });
    },
  };
}

/** `[1, 1, D]` latent from numbers. */
export function latent(values: number[]): tf.Tensor3D {
  return tf.tensor3d(values, [1, 1, values.length]);
}

/** The L2 norms of consecutive `actionDim`-entry actions. */
export function actionNorms(values: ArrayLike<number>, actionDim: number): number[] {
  const norms: number[] = [];
  for (let i = 0; i < values.length; i += actionDim) {
    let squared = 0;
    for (let k = 0; k < actionDim; k++) squared += values[i + k]! ** 2;
    norms.push(Math.sqrt(squared));
  }
  return norms;
}
