import { describe, expect, it } from 'vitest';
import { fullProbe } from './full-probe.js';
import { linearProbeTrainer } from './linear-probe.js';
import type { ProbeTrainer } from './probe.js';
import { mulberry32 } from '../random/mulberry32.js';
import { shuffleInPlace } from '../random/uniform-source.js';
import { gaussianBlobs, randomCenters } from './test-blobs.js';

const CLASSES = 3;
const DIM = 10;
const centers = randomCenters(CLASSES, DIM, 2.5, 31);
const train = gaussianBlobs(centers, CLASSES, 80, 1, 32);
const test = gaussianBlobs(centers, CLASSES, 300, 1, 33);

describe('fullProbe', () => {
  it('scores a probe trained on the whole train set on the whole test set', async () => {
    const { accuracy, probe } = await fullProbe(train, test);
    expect(accuracy).toBeGreaterThan(0.97);
    expect(accuracy).toBe(probe.accuracy(test.features, test.labels));
    expect(probe.kind).toBe('linear');
  });

  it('is near chance when the train labels are shuffled', async () => {
    const shuffled = { ...train, labels: shuffleInPlace(Int32Array.from(train.labels), mulberry32(1)) };
    const { accuracy } = await fullProbe(shuffled, test, { trainer: linearProbeTrainer({ l2: 1e-3 }) });
    expect(Math.abs(accuracy - 1 / CLASSES)).toBeLessThan(0.08);
  });

  it('rejects a probe that ignores the task and disposes it', async () => {
    let disposed = 0;
    const careless: ProbeTrainer = (subset) => ({
      kind: 'careless',
      dim: subset.dim,
      numClasses: 2,
      predict: (features) => new Int32Array(features.length / subset.dim),
      accuracy: () => 0,
      dispose: () => void disposed++,
    });
    await expect(fullProbe(train, test, { trainer: careless })).rejects.toThrow(
      /fullProbe: the trainer returned a probe for dim=10, 2 classes; the task has dim=10, 3 classes/
    );
    expect(disposed).toBe(1);
  });

  it('rejects an empty test set', async () => {
    const empty = { features: new Float32Array(0), labels: new Int32Array(0), dim: DIM };
    await expect(fullProbe(train, empty)).rejects.toThrow(/test set is empty/);
  });
});
