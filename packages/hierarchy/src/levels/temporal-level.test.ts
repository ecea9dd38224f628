import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { layerNorm, Rng, trainLinearProbe, withInitSeed } from '@jepa/core';
import { TemporalLevel } from './temporal-level.js';
import { trainTemporalLevel, type LatentSequences } from './train-temporal-level.js';

const D = 8;
const WIDTH = 16;

/**
 * A toy world below: a bump on a 1-D strip of WIDTH pixels moving one pixel per step left or right
 * (the label); a frozen toy encoder (a fixed random projection and tanh of the strip) gives one
 * latent per step. Starts are drawn so that both directions visit the same stretches of the strip:
 * latents pooled over time say nothing about the direction, a window of two says it all.
 */
function toySequences(count: number, steps: number, seed: number): LatentSequences & { directions: Int32Array } {
  const rng = new Rng(seed);
  const projection = new Rng(99);
  const weights = Array.from({ length: D }, () => Array.from({ length: WIDTH }, () => projection.uniform() * 2 - 1));
  const latents = new Float32Array(count * steps * D);
  const directions = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    const v = rng.uniform() < 0.5 ? -1 : 1;
    let x = Math.floor(rng.uniform() * (WIDTH - steps + 1)) + (v > 0 ? 0 : steps - 1);
    directions[n] = v > 0 ? 1 : 0;
    for (let t = 0; t < steps; t++) {
      const strip = Array.from({ length: WIDTH }, (_, i) => Math.exp(-((i - x) ** 2)));
      for (let d = 0; d < D; d++) latents[(n * steps + t) * D + d] = Math.tanh(weights[d]!.reduce((a, w, i) => a + w * strip[i]!, 0));
      x += v;
    }
  }
  return { count, steps, latents, directions };
}

/** Mean over the time axis of `[N, T, F]`. */
function meanOverTime(values: Float32Array, count: number, steps: number, width: number): Float32Array {
  const out = new Float32Array(count * width);
  for (let n = 0; n < count; n++) for (let t = 0; t < steps; t++) for (let f = 0; f < width; f++) out[n * width + f] += values[(n * steps + t) * width + f]! / steps;
  return out;
}

describe('TemporalLevel', () => {
  it('encodes windows of lower latents, predicts the next window and rolls out, without leaking tensors', () => {
    const level = withInitSeed(1, () => new TemporalLevel({ latentDim: D, stepSkip: 2, embedDim: 16, numHeads: 2 }));
    const lower = tf.randomNormal([3, 8, D]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
    const latents = level.encodeSequence(lower);
    expect(latents.shape).toEqual([3, 4, 16]);
    const overlapping = level.encodeSequence(lower, { stride: 1 });
    expect(overlapping.shape).toEqual([3, 7, 16]);
    // Window w of the sequence is the window encoded on its own; stride 1 contains it at step 2w.
    const window = level.encode(tf.slice(lower, [0, 2, 0], [3, 2, D]) as tf.Tensor3D);
    expect(window.shape).toEqual([3, 1, 16]);
    const fromSequence = tf.slice(latents, [0, 1, 0], [3, 1, 16]);
    const fromOverlap = tf.slice(overlapping, [0, 2, 0], [3, 1, 16]);
    expect(tf.max(tf.abs(tf.sub(fromSequence, window))).dataSync()[0]).toBeLessThan(1e-5);
    expect(tf.max(tf.abs(tf.sub(fromOverlap, window))).dataSync()[0]).toBeLessThan(1e-5);
    // The target encoder starts as a copy of the context encoder.
    const context = level.encodeSequence(lower, { encoder: 'context' });
    expect(Array.from(context.dataSync())).toEqual(Array.from(latents.dataSync()));
    const next = level.predictNext(latents);
    expect(next.shape).toEqual([3, 4, 16]);
    const rolled = level.rollout(window, tf.zeros([3, 5, 0]) as tf.Tensor3D);
    expect(rolled.shape).toEqual([3, 5, 1, 16]);
    // The first rollout step is the predictor applied to the start state.
    const first = level.predictNext(window);
    expect(tf.max(tf.abs(tf.sub(tf.reshape(tf.slice(rolled, [0, 0, 0, 0], [3, 1, 1, 16]), [3, 1, 16]), first))).dataSync()[0]).toBeLessThan(1e-5);
    });
    expect(tf.memory().numTensors).toBe(before);
    lower.dispose();
    level.dispose();
  });

  it('refuses bad shapes and conditions with messages that say what to give', () => {
    const level = new TemporalLevel({ latentDim: D, stepSkip: 3, embedDim: 8, numHeads: 2 });
    const conditioned = new TemporalLevel({ latentDim: D, stepSkip: 3, embedDim: 8, numHeads: 2, conditionDim: 2 });
    tf.tidy(() => {
      expect(() => level.encodeSequence(tf.zeros([2, 7, D]) as tf.Tensor3D)).toThrow(/7 steps do not split into windows of 3 every 3 steps/);
      expect(() => level.encodeSequence(tf.zeros([2, 6, D + 1]) as tf.Tensor3D)).toThrow(/expected lower-level latents \[B, T, 8\], got \[2, 6, 9\]/);
      expect(() => level.encode(tf.zeros([2, 2, D]) as tf.Tensor3D)).toThrow(/expected windows \[M, 3, 8\]/);
      expect(() => level.predictNext(tf.zeros([2, 2, 8]) as tf.Tensor3D, tf.zeros([2, 2, 1]) as tf.Tensor3D)).toThrow(/no condition \(conditionDim 0\)/);
      expect(() => conditioned.predictNext(tf.zeros([2, 2, 8]) as tf.Tensor3D)).toThrow(/expected conditions \[2, 2, 2\], got none/);
      expect(conditioned.rollout(tf.zeros([2, 1, 8]) as tf.Tensor3D, tf.ones([2, 3, 2]) as tf.Tensor3D).shape).toEqual([2, 3, 1, 8]);
    });
    expect(() => new TemporalLevel({ latentDim: D, stepSkip: 0 })).toThrow(/stepSkip must be a positive integer/);
    expect(() => new TemporalLevel({ latentDim: D, stepSkip: 2, embedDim: 10, numHeads: 4 })).toThrow(/embedDim 10 must be divisible by numHeads 4/);
    const data = toySequences(2, 6, 1);
    expect(() => trainTemporalLevel(level, { ...data, latents: data.latents.subarray(1) }, { steps: 1, batchSize: 2, lr: 1e-3, seed: 0 })).toThrow(/latents hold 95 values, not \[2, 6, 8\]/);
    expect(() => trainTemporalLevel(level, data, { steps: 1, batchSize: 2, predictedWindows: 2, lr: 1e-3, seed: 0 })).toThrow(/needs 9 steps, but sequences have 6/);
    expect(() => trainTemporalLevel(conditioned, data, { steps: 1, batchSize: 2, lr: 1e-3, seed: 0 })).toThrow(/data.conditions must hold \[2, 6, 2\] values, got none/);
    // Strict state: another level's weights load; a missing key is named and nothing is loaded.
    const state = level.stateDict();
    expect(Object.keys(state).some((key) => key.startsWith('target_encoder.transformer.blocks.0.attn.qkv'))).toBe(true);
    const copy = new TemporalLevel({ latentDim: D, stepSkip: 3, embedDim: 8, numHeads: 2 });
    copy.loadStateDict(state);
    const { 'predictor.fc1.weight': dropped, ...partial } = state;
    expect(() => copy.loadStateDict(partial)).toThrow(/predictor\.fc1\.weight/);
    tf.dispose([dropped!, ...Object.values(partial)]);
    level.dispose();
    conditioned.dispose();
    copy.dispose();
  });

  it('learns to predict the next window of a toy sequence, and a two-level stack over a toy encoder reads motion that pooled lower latents miss', () => {
    const steps = 8;
    const train = toySequences(96, steps, 1);
    const test = toySequences(64, steps, 2);
    const level = withInitSeed(2, () => new TemporalLevel({ latentDim: D, stepSkip: 2, embedDim: 16, numHeads: 2 }));
    const before = tf.memory().numTensors;
    const result = trainTemporalLevel(level, train, { steps: 120, batchSize: 32, predictedWindows: 3, lr: 1e-2, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.losses).toHaveLength(120);
    const mean = (values: number[]) => values.reduce((a, v) => a + v, 0) / values.length;
    expect(mean(result.predictionLosses.slice(-10))).toBeLessThan(mean(result.predictionLosses.slice(0, 10)) / 3);

    // On held-out sequences, the prediction of window w + 1 is closer to its own target than to another sequence's.
    const errors = tf.tidy(() => {
      const lower = tf.tensor3d(test.latents, [test.count, steps, D]);
      const predicted = tf.slice(level.predictNext(level.encodeSequence(lower, { encoder: 'context' })), [0, 0, 0], [test.count, 3, 16]);
      const targets = layerNorm(tf.slice(level.encodeSequence(lower), [0, 1, 0], [test.count, 3, 16]), 1e-6);
      const shuffled = tf.concat([tf.slice(targets, [1, 0, 0], [test.count - 1, 3, 16]), tf.slice(targets, [0, 0, 0], [1, 3, 16])], 0);
      return [tf.mean(tf.abs(tf.sub(predicted, targets))).dataSync()[0]!, tf.mean(tf.abs(tf.sub(predicted, shuffled))).dataSync()[0]!];
    });
    expect(errors[0]).toBeLessThan(errors[1]! / 2);

    // Level 3 over level 2's latents: the same class, whatever made its input.
    const level2Train = tf.tidy(() => level.encodeSequence(tf.tensor3d(train.latents, [train.count, steps, D])));
    const upper = withInitSeed(4, () => new TemporalLevel({ latentDim: 16, stepSkip: 2, embedDim: 8, numHeads: 2 }));
    const upperResult = trainTemporalLevel(upper, { count: train.count, steps: steps / 2, latents: level2Train.dataSync() as Float32Array }, { steps: 5, batchSize: 8, lr: 1e-3, seed: 5 });
    expect(upperResult.losses.every(Number.isFinite)).toBe(true);
    const level3 = tf.tidy(() => upper.encodeSequence(level2Train));
    expect(level3.shape).toEqual([train.count, 2, 8]);
    tf.dispose([level2Train, level3]);

    // Motion direction: a linear probe on level-2 features pooled over time against level-1 latents pooled over time
    // (on this toy even an untrained window encoder separates the directions: this checks the stack, not the training).
    const features = (data: typeof train) => tf.tidy(() => level.encodeSequence(tf.tensor3d(data.latents, [data.count, steps, D])).dataSync() as Float32Array);
    const probe = (trainFeatures: Float32Array, testFeatures: Float32Array, dim: number, timeSteps: number) => {
      const fitted = trainLinearProbe({ features: meanOverTime(trainFeatures, train.count, timeSteps, dim), labels: train.directions, dim }, { seed: 0 });
      return fitted.accuracy(meanOverTime(testFeatures, test.count, timeSteps, dim), test.directions);
    };
    const level2Accuracy = probe(features(train), features(test), 16, steps / 2);
    const level1Accuracy = probe(train.latents, test.latents, D, steps);
    expect(level1Accuracy).toBeLessThan(0.65);
    expect(level2Accuracy).toBeGreaterThan(0.9);
    upper.dispose();
    level.dispose();
  });
});
