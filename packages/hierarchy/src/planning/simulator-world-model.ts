import * as tf from '@tensorflow/tfjs';
import type { WorldModel } from '@jepa/core';

/** Options of {@link simulatorWorldModel}. */
export interface SimulatorWorldModelOptions {
  /** Entries of a state vector. */
  readonly stateDim: number;
  /** Entries of an action (`A`). */
  readonly actionDim: number;
  /**
   * The true dynamics: the next state after `action` from `state`. It must not modify its
   * arguments and must return a new array of `stateDim` entries.
   */
  readonly step: (state: Float32Array, action: Float32Array) => Float32Array;
}

/**
 * States for {@link simulatorWorldModel}'s `encode`: one state as a `Float32Array` (`stateDim`
 * entries; several concatenated make several samples), or a tensor `[S, stateDim]` or
 * `[S, 1, stateDim]`.
 */
export type SimulatorObservation = Float32Array | tf.Tensor;

/**
 * A {@link WorldModel} whose latent is the true state (`[S, 1, stateDim]`: one token of width
 * `stateDim`) and whose rollout steps a simulator in plain JavaScript, sample by sample. Planning
 * with it is planning through the true dynamics (the *oracle planner*; with `latentDistanceCost`
 * the cost is the squared distance to the goal state), so a planner's failures can be told apart
 * from a learned model's.
 */
export function simulatorWorldModel(options: SimulatorWorldModelOptions): WorldModel<SimulatorObservation> {
  const where = 'simulatorWorldModel';
  const { stateDim, actionDim, step } = options;
  if (!Number.isInteger(stateDim) || stateDim < 1) {
    throw new Error(`${where}: stateDim must be a positive integer, got ${String(stateDim)}.`);
  }
  if (!Number.isInteger(actionDim) || actionDim < 1) {
    throw new Error(`${where}: actionDim must be a positive integer, got ${String(actionDim)}.`);
  }
  if (typeof step !== 'function') {
    throw new Error(`${where}: step must be a function (state, action) => next state.`);
  }
  return {
    actionDim,
    /** States to latents `[S, 1, stateDim]`. */
    encode(observation: SimulatorObservation): tf.Tensor3D {
      if (observation instanceof Float32Array) {
        if (observation.length === 0 || observation.length % stateDim !== 0) {
          throw new Error(`${where}.encode: a state array must hold a whole number of ${stateDim}-entry states, got ${observation.length} entries.`);
        }
        return tf.tensor3d(observation, [observation.length / stateDim, 1, stateDim]);
      }
      const shape = observation.shape;
      const fits = (shape.length === 2 && shape[1] === stateDim) || (shape.length === 3 && shape[1] === 1 && shape[2] === stateDim);
      if (!fits) {
        throw new Error(`${where}.encode: states must be [S, ${stateDim}] or [S, 1, ${stateDim}], got [${shape.join(', ')}].`);
      }
      return tf.reshape(observation, [shape[0]!, 1, stateDim]);
    },
    /** `z0` `[S, 1, stateDim]`, actions `[S, H, A]` -> states after each action `[S, H, 1, stateDim]`. */
    rollout(z0: tf.Tensor3D, actions: tf.Tensor3D): tf.Tensor4D {
      const [samples, tokens, width] = z0.shape;
      if (tokens !== 1 || width !== stateDim) {
        throw new Error(`${where}.rollout: z0 must be [S, 1, ${stateDim}], got [${z0.shape.join(', ')}].`);
      }
      const [actionSamples, horizon, size] = actions.shape;
      if (actionSamples !== samples || size !== actionDim) {
        throw new Error(`${where}.rollout: actions must be [${samples}, H, ${actionDim}] for z0 [${z0.shape.join(', ')}], got [${actions.shape.join(', ')}].`);
      }
      const states = z0.dataSync();
      const actionValues = actions.dataSync();
      const out = new Float32Array(samples * horizon * stateDim);
      for (let s = 0; s < samples; s++) {
        let state = states.slice(s * stateDim, (s + 1) * stateDim) as Float32Array;
        for (let h = 0; h < horizon; h++) {
          const offset = (s * horizon + h) * actionDim;
          const next = step(state, actionValues.slice(offset, offset + actionDim) as Float32Array);
          if (next.length !== stateDim) {
            throw new Error(`${where}: step returned ${next.length} entries; it must return the next state of ${stateDim} entries.`);
          }
          out.set(next, (s * horizon + h) * stateDim);
          state = next;
        }
      }
      return tf.tensor4d(out, [samples, horizon, 1, stateDim]);
    },
  };
}
