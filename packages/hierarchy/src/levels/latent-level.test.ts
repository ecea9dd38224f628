import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng, withInitSeed } from '@jepa/core';
import { LatentLevel } from './latent-level.js';
import { trainLatentLevel, type LatentTrajectories } from './train-latent-level.js';

const D = 8;

/**
 * A toy level below: a point random-walking in the plane (no walls), whose latent is a fixed
 * smooth function of its position, standardised per vector like a LayerNorm output. The latent
 * `stepSkip` steps later follows from the latent now and the summed actions, which a level above
 * can learn.
 */
function toyTrajectories(trajectories: number, steps: number, seed: number): LatentTrajectories {
  const rng = new Rng(seed);
  const weights = Array.from({ length: D }, (_, i) => [Math.cos(i * 0.9) * 0.35, Math.sin(i * 1.7) * 0.35, (i - D / 2) * 0.1]);
  const latentOf = (x: number, y: number): number[] => {
    const raw = weights.map(([wx, wy, b]) => Math.tanh(wx! * x + wy! * y + b!));
    const mean = raw.reduce((a, v) => a + v, 0) / D;
    const std = Math.sqrt(raw.reduce((a, v) => a + (v - mean) ** 2, 0) / D) + 1e-5;
    return raw.map((v) => (v - mean) / std);
  };
  const latents = new Float32Array(trajectories * (steps + 1) * D);
  const actions = new Float32Array(trajectories * steps * 2);
  for (let n = 0; n < trajectories; n++) {
    let [x, y] = [rng.uniform() * 6 - 3, rng.uniform() * 6 - 3];
    latents.set(latentOf(x, y), n * (steps + 1) * D);
    for (let t = 0; t < steps; t++) {
      const [dx, dy] = [rng.uniform() - 0.5, rng.uniform() - 0.5];
      actions.set([dx, dy], (n * steps + t) * 2);
      [x, y] = [x + dx, y + dy];
      latents.set(latentOf(x, y), (n * (steps + 1) + t + 1) * D);
    }
  }
  return { trajectories, steps, latents, actions };
}

/** Mean squared error of one macro-step predicted from every window start, and of copying the start. */
function oneStepErrors(level: LatentLevel, data: LatentTrajectories): { predicted: number; copied: number } {
  const { trajectories, steps, latents, actions } = data;
  const k = level.stepSkip;
  const starts: number[] = [];
  const macro: number[] = [];
  const ends: number[] = [];
  for (let n = 0; n < trajectories; n++) {
    for (let t = 0; t + k <= steps; t += k) {
      starts.push(...latents.subarray((n * (steps + 1) + t) * D, (n * (steps + 1) + t + 1) * D));
      ends.push(...latents.subarray((n * (steps + 1) + t + k) * D, (n * (steps + 1) + t + k + 1) * D));
      let [sx, sy] = [0, 0];
      for (let j = 0; j < k; j++) [sx, sy] = [sx + actions[(n * steps + t + j) * 2]!, sy + actions[(n * steps + t + j) * 2 + 1]!];
      macro.push(level.macroAction === 'mean' ? sx / k : sx, level.macroAction === 'mean' ? sy / k : sy);
    }
  }
  const count = starts.length / D;
  return tf.tidy(() => {
    const z0 = tf.tensor3d(starts, [count, 1, D]);
    const end = tf.tensor4d(ends, [count, 1, 1, D]);
    const predicted = level.rollout(z0, tf.tensor3d(macro, [count, 1, 2]));
    return {
      predicted: tf.mean(tf.squaredDifference(predicted, end)).dataSync()[0]!,
      copied: tf.mean(tf.squaredDifference(z0.reshape([count, 1, 1, D]), end)).dataSync()[0]!,
    };
  });
}

describe('LatentLevel and trainLatentLevel', () => {
  it('learns the macro-step dynamics of a frozen level below from its latents and summed actions', () => {
    const level = withInitSeed(3, () => new LatentLevel({ latentDim: D, actionDim: 2, stepSkip: 4, macroAction: 'mean' }));
    const train = toyTrajectories(64, 24, 1);
    const heldOut = toyTrajectories(16, 24, 2);
    const untrained = oneStepErrors(level, heldOut);
    const before = tf.memory().numTensors;
    const result = trainLatentLevel(level, train, { steps: 150, batchSize: 32, rolloutSteps: 3, lr: 1e-2, seed: 5 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.losses).toHaveLength(150);
    const early = result.losses.slice(0, 10).reduce((a, v) => a + v, 0) / 10;
    const late = result.losses.slice(-10).reduce((a, v) => a + v, 0) / 10;
    expect(late).toBeLessThan(early / 3);
    const trained = oneStepErrors(level, heldOut);
    // On trajectories it never saw, one macro-step ahead: far better than copying the start, and than before training.
    expect(trained.predicted).toBeLessThan(trained.copied / 3);
    expect(trained.predicted).toBeLessThan(untrained.predicted / 3);
    level.dispose();
  });

  it('is a world model over lower latents and a planning level, with strict state', () => {
    const level = withInitSeed(1, () => new LatentLevel({ latentDim: D, actionDim: 2, stepSkip: 5 }));
    const lower = tf.randomNormal([3, 1, D]) as tf.Tensor3D;
    const lifted = level.encode(lower);
    expect(Array.from(lifted.dataSync())).toEqual(Array.from(lower.dataSync()));
    expect(() => level.encode(tf.zeros([3, 2, D]) as tf.Tensor3D)).toThrow(/expected lower-level latents \[S, 1, 8\]/);
    const predicted = level.rollout(lower, tf.zeros([3, 4, 2]) as tf.Tensor3D);
    expect(predicted.shape).toEqual([3, 4, 1, D]);
    const planner = { name: 'stub', plan: () => { throw new Error('unused'); } };
    expect(level.planningLevel(planner, 6)).toMatchObject({ model: level, stepSkip: 5, horizon: 6, planner });
    const state = level.stateDict();
    expect(Object.keys(state).every((key) => key.startsWith('predictor.'))).toBe(true);
    const copy = new LatentLevel({ latentDim: D, actionDim: 2, stepSkip: 5 });
    copy.loadStateDict(state);
    expect(Array.from(copy.rollout(lower, tf.ones([3, 2, 2]) as tf.Tensor3D).dataSync())).toEqual(Array.from(level.rollout(lower, tf.ones([3, 2, 2]) as tf.Tensor3D).dataSync()));
    expect(() => copy.loadStateDict({ ...state, 'encoder.x': tf.zeros([1]) })).toThrow(/unexpected keys encoder\.x.*Nothing was loaded/);
    tf.dispose([lower, lifted, predicted, ...Object.values(state)]);
    level.dispose();
    copy.dispose();
  });

  it('refuses data that does not fit the level or windows longer than the trajectories', () => {
    const level = new LatentLevel({ latentDim: D, actionDim: 2, stepSkip: 10 });
    const data = toyTrajectories(2, 12, 1);
    expect(() => trainLatentLevel(level, data, { steps: 1, batchSize: 2, rolloutSteps: 2, lr: 1e-3, seed: 0 })).toThrow(/needs 20 actions, but trajectories have 12/);
    expect(() => trainLatentLevel(level, { ...data, latents: data.latents.subarray(1) }, { steps: 1, batchSize: 2, rolloutSteps: 1, lr: 1e-3, seed: 0 })).toThrow(/latents hold .* not \[2, 13, 8\]/);
    expect(() => new LatentLevel({ latentDim: D, actionDim: 2, stepSkip: 0 })).toThrow(/stepSkip must be a positive integer/);
    level.dispose();
  });
});
