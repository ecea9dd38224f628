import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { trainCheckpointName } from '@jepa/core';
import { listTrainCheckpoints, readCheckpointFile, train, writeTrainCheckpoint } from '@jepa/core/node';
import { loadFixtureTensors } from '@jepa/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabeledImages } from '@jepa/core';
import { IMAGENET_MEAN, IMAGENET_STD } from '../data/transforms.js';
import { IJepaTrainable, type IJepaTrainingConfig } from '../training/ijepa-trainable.js';
import { initTrainableFromCheckpoint } from './init-from-checkpoint.js';
import { ijepaConfigFromArchitecture, inferIJepaArchitecture } from './official-ijepa-checkpoint.js';
import { IJEPA_TINY_CHECKPOINT, IJEPA_TINY_DIR, sameBits } from './test-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'jepa-init-from-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 16 random 32x32 RGB images in 2 classes. */
function randomImages(count: number): LabeledImages {
  const images = new Float32Array(count * 32 * 32 * 3);
  let seed = 7;
  for (let i = 0; i < images.length; i++) images[i] = ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return { images, labels: Int32Array.from({ length: count }, (_, i) => i % 2), count, height: 32, width: 32, channels: 3, classNames: ['a', 'b'] };
}

describe.skipIf(!IJEPA_TINY_DIR)('starting a training run from an official checkpoint', () => {
  it('loads the three modules, the AdamW state and the epoch; training goes on at epoch * steps-per-epoch', async () => {
    const file = await readCheckpointFile(IJEPA_TINY_CHECKPOINT);
    const model = ijepaConfigFromArchitecture(inferIJepaArchitecture(file, { numHeads: 3 }), file.path);
    const data = randomImages(16);
    const batchSize = 4;
    const stepsPerEpoch = data.count / batchSize;
    const config: IJepaTrainingConfig = {
      model,
      masks: { minKeep: 4 },
      optimization: { steps: 10, batchSize, warmupSteps: 1, startLr: 1e-4, lr: 1e-3, finalLr: 1e-6, weightDecay: 0.04, finalWeightDecay: 0.4, ema: [0.996, 1] },
      augmentation: { cropScale: null },
      normalization: { mean: IMAGENET_MEAN, std: IMAGENET_STD },
      seed: 0,
    };
    const before = tf.memory().numTensors;
    const trainable = new IJepaTrainable(config, data);
    const fixture = await loadFixtureTensors(IJEPA_TINY_DIR!);
    try {
      const init = initTrainableFromCheckpoint(trainable, file);
      expect(init.epoch).toBe(2);
      expect(init.optimizer).toMatchObject({ loaded: true, step: 2 });
      expect(init.notes).toEqual([]);
      const weights = trainable.model.stateDict();
      for (const [key, t] of Object.entries(weights)) expect(sameBits(t.dataSync(), fixture.get(`init.${key}`)!.dataSync()), key).toBe(true);
      tf.dispose(Object.values(weights));

      // The CLI writes this starting point as the run's first checkpoint, then the trainer resumes from it.
      const startStep = init.epoch * stepsPerEpoch;
      const outDir = join(dir, 'run');
      await writeTrainCheckpoint(join(outDir, 'checkpoints'), await trainable.saveState(), { step: startStep, epoch: init.epoch - 1, totalSteps: 10, loss: null, elapsedSeconds: 0, reason: 'periodic' });
      const result = await train(trainable, { outDir, totalSteps: 10, stepsPerEpoch, checkpointEvery: 100, progress: 'none', resume: true });
      expect(result.resumedFrom?.step).toBe(8);
      expect(result.stepsRun).toBe(2);
      expect(trainable.optimizer.stepCount).toBe(4);
      expect((await listTrainCheckpoints(join(outDir, 'checkpoints'))).map((c) => c.name)).toEqual([trainCheckpointName(8), trainCheckpointName(10)]);
    } finally {
      for (const t of fixture.values()) t.dispose();
      trainable.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
