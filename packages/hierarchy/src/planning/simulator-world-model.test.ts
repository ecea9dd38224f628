import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { simulatorWorldModel } from './simulator-world-model.js';

// A 1-D damped mass: state [position, velocity], action [force].
const step = (state: Float32Array, action: Float32Array): Float32Array => {
  const velocity = 0.9 * state[1]! + action[0]!;
  return Float32Array.of(state[0]! + velocity, velocity);
};

describe('simulatorWorldModel', () => {
  const model = simulatorWorldModel({ stateDim: 2, actionDim: 1, step });

  it('encodes states as one-token latents [S, 1, stateDim]', () => {
    const fromArray = model.encode(Float32Array.of(1, 2, 3, 4));
    const states = tf.tensor2d([[5, 6]]);
    const fromTensor = model.encode(states);
    expect(fromArray.shape).toEqual([2, 1, 2]);
    expect(Array.from(fromArray.dataSync())).toEqual([1, 2, 3, 4]);
    expect(fromTensor.shape).toEqual([1, 1, 2]);
    expect(() => model.encode(Float32Array.of(1, 2, 3))).toThrow(/whole number of 2-entry states/);
    tf.dispose([fromArray, states, fromTensor]);
  });

  it('rolls every sample through the simulator: entry h is the state after actions 0..h', () => {
    const z0 = tf.tensor3d([[[0, 0]], [[10, 1]]]);
    const actions = tf.tensor3d([[[1], [1], [0]], [[0], [-1], [2]]]);
    const predicted = model.rollout(z0, actions);
    expect(predicted.shape).toEqual([2, 3, 1, 2]);
    const expected: number[] = [];
    for (const [start, forces] of [[[0, 0], [1, 1, 0]], [[10, 1], [0, -1, 2]]] as const) {
      let state: Float32Array = Float32Array.from(start);
      for (const force of forces) {
        state = step(state, Float32Array.of(force));
        expected.push(...state);
      }
    }
    Array.from(predicted.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    tf.dispose([z0, actions, predicted]);
  });

  it('refuses mis-shaped inputs and a step that returns the wrong size', () => {
    const z0 = tf.zeros([2, 1, 2]) as tf.Tensor3D;
    const actions = tf.zeros([2, 3, 2]) as tf.Tensor3D;
    expect(() => model.rollout(z0, actions)).toThrow(/actions must be \[2, H, 1\]/);
    const broken = simulatorWorldModel({ stateDim: 2, actionDim: 2, step: () => Float32Array.of(1) });
    expect(() => broken.rollout(z0, actions)).toThrow(/step returned 1 entries/);
    expect(() => simulatorWorldModel({ stateDim: 0, actionDim: 1, step })).toThrow(/stateDim must be a positive integer/);
    tf.dispose([z0, actions]);
  });
});
