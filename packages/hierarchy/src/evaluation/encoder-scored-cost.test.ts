import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { WorldModel } from '@jepa/core';
import { CemPlanner } from '../planning/cem-planner.js';
import type { FrameObservation } from '../model/action-conditioned-world-model.js';
import { encoderScoredCost } from './encoder-scored-cost.js';
import { renderTwoRoomsFrames } from '../env/two-rooms/render-frames.js';
import { evaluateTwoRoomsPlanning } from '../two-rooms/two-rooms-planning.js';

const SIZE = 32;

/**
 * A hand-made "encoder": the centroid of the dot channel (channel 0 above its frame minimum), in
 * pixels, as a one-token latent `[S, 1, 2]`. Its latent distance follows the distance between dot
 * positions, so costs through it can be checked against geometry.
 */
function centroidModel(): WorldModel<FrameObservation> & { calls: number } {
  const model = {
    actionDim: 2,
    calls: 0,
    encode(observation: FrameObservation): tf.Tensor3D {
      model.calls++;
      return tf.tidy(() => {
        const frames = observation instanceof Float32Array ? tf.tensor4d(observation, [observation.length / (SIZE * SIZE * 2), SIZE, SIZE, 2]) : observation;
        const count = frames.shape[0];
        const dot = tf.reshape(frames.slice([0, 0, 0, 0], [count, SIZE, SIZE, 1]), [count, SIZE * SIZE]);
        const weights = tf.sub(dot, tf.min(dot, 1, true));
        const pixel = tf.range(0, SIZE * SIZE, 1, 'int32');
        const columns = tf.cast(tf.mod(pixel, SIZE), 'float32');
        const rows = tf.cast(tf.floorDiv(pixel, SIZE), 'float32');
        const total = tf.sum(weights, 1);
        const x = tf.div(tf.sum(tf.mul(weights, columns), 1), total);
        const y = tf.div(tf.sum(tf.mul(weights, rows), 1), total);
        return tf.reshape(tf.stack([x, y], 1), [count, 1, 2]) as tf.Tensor3D;
      });
    },
    rollout(): tf.Tensor4D {
      throw new Error('not used: the encoder-scored cost encodes simulated states');
    },
  };
  return model;
}

const render = (positions: Float32Array) => renderTwoRoomsFrames({ positions, layouts: [32, 20], imageSize: SIZE });

describe('encoderScoredCost', () => {
  it('scores simulated positions by the encoder latents of their frames, final step or summed', () => {
    const model = centroidModel();
    const before = tf.memory().numTensors;
    const goal = tf.tensor3d([[[50, 40]]]);
    const start = tf.tensor3d([[[15, 15]]]);
    // Three samples of two steps: ending on the goal, 8 px away, 25 px away (same room as the goal).
    const predicted = tf.tensor4d([[[[20, 20]], [[50, 40]]], [[[20, 20]], [[50, 48]]], [[[20, 20]], [[50, 15]]]]);
    const final = encoderScoredCost({ model, render })(predicted, goal, start);
    const summed = encoderScoredCost({ model, render, reduction: 'sum' })(predicted, goal, start);
    const finals = Array.from(final.dataSync());
    const sums = Array.from(summed.dataSync());
    expect(final.shape).toEqual([3]);
    // Ending on the goal costs (nearly) nothing; farther costs more, in order.
    expect(finals[0]!).toBeLessThan(0.05);
    expect(finals[0]!).toBeLessThan(finals[1]!);
    expect(finals[1]!).toBeLessThan(finals[2]!);
    // The sum adds the first step's cost, the same for every sample here.
    const firstStep = sums[0]! - finals[0]!;
    expect(firstStep).toBeGreaterThan(1);
    for (let i = 0; i < 3; i++) expect(sums[i]! - finals[i]!).toBeCloseTo(firstStep, 3);
    tf.dispose([final, summed, goal, start, predicted]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses latents that are not positions', () => {
    const cost = encoderScoredCost({ model: centroidModel(), render });
    const wide = tf.zeros([2, 3, 1, 8]) as tf.Tensor4D;
    const goal = tf.zeros([1, 1, 8]) as tf.Tensor3D;
    expect(() => cost(wide, goal, goal)).toThrow(/positions \[S, H, 1, 2\].*oracle/);
    tf.dispose([wide, goal]);
  });

  it('lets the oracle plan through the true simulator scored by an encoder, and says so', () => {
    const model = centroidModel();
    const report = evaluateTwoRoomsPlanning('oracle', {
      episodes: 2,
      seed: 0,
      imageSize: SIZE,
      planner: new CemPlanner({ samples: 24, iterations: 3, elites: 6, actionRepeat: 5 }),
      horizon: (left) => Math.min(20, left),
      replanEvery: 10,
      plannedSteps: 40,
      oracleCost: { scoredBy: model },
    });
    expect(report.planner).toBe('cem (oracle, encoder cost)');
    expect(model.calls).toBeGreaterThan(0);
    for (const r of report.results) expect(r.finalDistance).toBeLessThan(r.startDistance);
  });
});
