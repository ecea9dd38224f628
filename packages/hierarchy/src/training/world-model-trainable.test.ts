import * as tf from '@tensorflow/tfjs';
import { checkTrainableConformance } from '@jepa/core/testing';
import { describe, expect, it } from 'vitest';
import type { Rng } from '@jepa/core';
import type { FrameSequenceSource } from './frame-sequence-source.js';
import { WorldModelTrainable, type WorldModelTrainingConfig } from './world-model-trainable.js';

/** A dot on an 8 x 8 torus that moves by the (integer) action: a world a model can learn in a few steps. */
const movingDot: FrameSequenceSource = {
  frameShape: [8, 8, 1],
  actionDim: 2,
  sample(batchSize: number, windowLength: number, rng: Rng) {
    const frames = new Float32Array(batchSize * windowLength * 64);
    const actions = new Float32Array(batchSize * windowLength * 2);
    for (let b = 0; b < batchSize; b++) {
      let [x, y] = [rng.int(0, 8), rng.int(0, 8)];
      for (let t = 0; t < windowLength; t++) {
        frames[(b * windowLength + t) * 64 + y * 8 + x] = 1;
        const [dx, dy] = [rng.int(-1, 2), rng.int(-1, 2)];
        actions.set([dx, dy], (b * windowLength + t) * 2);
        [x, y] = [(x + dx + 8) % 8, (y + dy + 8) % 8];
      }
    }
    return { frames, actions };
  },
};

const config = (overrides: Partial<WorldModelTrainingConfig> = {}): WorldModelTrainingConfig => ({
  model: { imageSize: 8, inChannels: 1, actionDim: 2, encoder: { stages: [8, 16], latentDim: 16 }, predictor: { kind: 'gru' }, inverseDynamics: { hiddenDim: 16 } },
  loss: { predictionSteps: 3, prediction: 'rollout', regularizers: { variance: { weight: 16 }, covariance: { weight: 8 }, temporal: { weight: 12 } }, inverseDynamicsWeight: 1 },
  windowLength: 5,
  optimization: { steps: 6, batchSize: 8, lr: 3e-3, finalLr: 1e-5, warmupSteps: 1, weightDecay: 1e-5, clipGradNorm: 2 },
  seed: 3,
  ...overrides,
});

describe('WorldModelTrainable', () => {
  it('logs each loss part and lowers the loss on a learnable world', () => {
    const trainable = new WorldModelTrainable(config({ optimization: { steps: 40, batchSize: 16, lr: 3e-3, finalLr: 1e-4, warmupSteps: 2, weightDecay: 1e-5, clipGradNorm: 2 } }), movingDot);
    try {
      const first = trainable.trainStep(1);
      expect(Object.keys(first)).toEqual(['loss', 'prediction', 'variance', 'covariance', 'temporal', 'inverseDynamics', 'gradNorm', 'lr']);
      expect(first.loss).toBeCloseTo(first.prediction! + 16 * first.variance! + 8 * first.covariance! + 12 * first.temporal! + first.inverseDynamics!, 4);
      let last = first;
      for (let step = 2; step <= 40; step++) last = trainable.trainStep(step);
      expect(last.loss).toBeLessThan(first.loss * 0.7);
    } finally {
      trainable.dispose();
    }
  });

  it('resumes exactly, leaks no tensor and loads strictly (core conformance suite), with teacher forcing and SIGReg too', async () => {
    for (const variant of [config(), config({ loss: { predictionSteps: 2, prediction: 'teacher-forcing', regularizers: { sigreg: { weight: 0.1, numDirections: 8 } }, inverseDynamicsWeight: 0 } })]) {
      const report = await checkTrainableConformance({ create: () => new WorldModelTrainable(variant, movingDot), name: 'WorldModelTrainable' }, { exactResume: { steps: 4, resumeAfter: 2 }, noTensorLeaks: { steps: 2 } });
      expect(report.passed).toEqual(expect.arrayContaining(['exact resume', 'no tensor leaks', 'strict loading']));
    }
  });

  it('refuses a config that does not fit its data, naming the fields', () => {
    expect(() => new WorldModelTrainable(config({ model: { ...config().model, imageSize: 16 } }), movingDot)).toThrow(/model takes 16 x 16 x 1 frames but the data are 8 x 8 x 1/);
    const before = tf.memory().numTensors;
    expect(() => new WorldModelTrainable(config({ windowLength: 3 }), movingDot)).toThrow(/predictionSteps 3 needs windows longer/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
