import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { train } from '@jepa/core/node';
import { checkTrainableConformance } from '@jepa/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../data/mnist-dataset.js';
import { subsetLabeledImages } from '@jepa/core';
import { MNIST_MEAN, MNIST_STD } from '../data/transforms.js';
import { IJepaTrainable, type IJepaTrainingConfig } from './ijepa-trainable.js';

const { train: mnist } = loadMnist();
const data = subsetLabeledImages(mnist, Array.from({ length: 64 }, (_, i) => i * 100));
const config: IJepaTrainingConfig = {
  model: { imageSize: 28, patchSize: 7, inChannels: 1, encoder: { embedDim: 16, depth: 1, numHeads: 2 }, predictor: { embedDim: 8, depth: 1, numHeads: 2 } },
  masks: { minKeep: 0, numTargetBlocks: 2, targetScale: [0.15, 0.25] },
  optimization: { steps: 4, batchSize: 8, warmupSteps: 1, startLr: 1e-4, lr: 1e-3, finalLr: 1e-6, weightDecay: 0.04, finalWeightDecay: 0.4, ema: [0.996, 1] },
  augmentation: { cropScale: [0.5, 1] },
  normalization: { mean: MNIST_MEAN, std: MNIST_STD },
  seed: 3,
};
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ijepa-train-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function weightsAfter(run: (t: IJepaTrainable) => Promise<void>): Promise<Map<string, Float32Array>> {
  const trainable = new IJepaTrainable(config, data);
  try {
    await run(trainable);
    const dict = trainable.model.stateDict();
    const out = new Map(Object.entries(dict).map(([k, t]) => [k, t.dataSync() as Float32Array]));
    tf.dispose(Object.values(dict));
    return out;
  } finally {
    trainable.dispose();
  }
}

describe('I-JEPA training run', () => {
  it('resumed after an interruption, ends with exactly the weights of an uninterrupted run', async () => {
    const before = tf.memory().numTensors;
    const straightDir = tempDir();
    const straight = await weightsAfter(async (t) => {
      await train(t, { outDir: straightDir, totalSteps: 4, checkpointEvery: 2, progress: 'none' });
    });
    const resumedDir = tempDir();
    await weightsAfter(async (t) => {
      await train(t, { outDir: resumedDir, totalSteps: 4, checkpointEvery: 2, progress: 'none', stopAfterStep: 3 });
    });
    const resumed = await weightsAfter(async (t) => {
      const result = await train(t, { outDir: resumedDir, totalSteps: 4, checkpointEvery: 2, progress: 'none', resume: true });
      expect(result.resumedFrom).toBeDefined();
    });
    expect([...resumed.keys()].sort()).toEqual([...straight.keys()].sort());
    expect(straight.has('target_encoder.blocks.0.attn.qkv.weight')).toBe(true);
    for (const [key, values] of straight) expect(Array.from(resumed.get(key)!), key).toEqual(Array.from(values));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('derives every batch from (seed, step): the same step gives the same augmented images', () => {
    const a = new IJepaTrainable(config, data);
    const b = new IJepaTrainable(config, data);
    try {
      expect(Array.from(a.batchFor(3))).toEqual(Array.from(b.batchFor(3)));
      expect(Array.from(a.batchFor(3))).not.toEqual(Array.from(a.batchFor(4)));
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('passes the trainable conformance suite: exact resume through checkpoint files, no tensor leaks, strict loading', async () => {
    const probeSet = subsetLabeledImages(mnist, Array.from({ length: 16 }, (_, i) => i * 100 + 50));
    const report = await checkTrainableConformance({ create: () => new IJepaTrainable(config, data, probeSet) });
    expect(report).toEqual({ passed: ['exact resume', 'no tensor leaks', 'strict loading'], skipped: [] });
  });

  it('rejects a config that does not fit the data, naming the fields', () => {
    expect(() => new IJepaTrainable({ ...config, model: { ...config.model, imageSize: 32, patchSize: 4 }, optimization: { ...config.optimization, batchSize: 100 } }, data))
      .toThrow(/batchSize 100 exceeds the 64 training images[\s\S]*imageSize is 32 but the images are 28x28/);
  });
});
