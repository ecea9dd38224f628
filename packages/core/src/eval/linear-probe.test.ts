import { describe, expect, it } from 'vitest';
import { trainLinearProbe } from './linear-probe.js';
import { mulberry32 } from '../random/mulberry32.js';
import { shuffleInPlace } from '../random/uniform-source.js';
import { softmaxRegressionLoss } from './softmax-regression.js';
import { gaussianBlobs, randomCenters } from './test-blobs.js';

const CLASSES = 4;
const DIM = 8;
const separated = randomCenters(CLASSES, DIM, 3, 1);

describe('trainLinearProbe', () => {
  it('classifies well-separated Gaussian blobs almost perfectly on held-out data', () => {
    const train = gaussianBlobs(separated, CLASSES, 100, 1, 2);
    const test = gaussianBlobs(separated, CLASSES, 250, 1, 3);
    const probe = trainLinearProbe(train);
    expect(probe.kind).toBe('linear');
    expect(probe.numClasses).toBe(CLASSES);
    expect(probe.dim).toBe(DIM);
    expect(probe.accuracy(test.features, test.labels)).toBeGreaterThan(0.97);
  });

  it('is near chance when trained on shuffled labels', () => {
    const train = gaussianBlobs(separated, CLASSES, 100, 1, 4);
    const shuffled = { ...train, labels: shuffleInPlace(Int32Array.from(train.labels), mulberry32(5)) };
    const test = gaussianBlobs(separated, CLASSES, 500, 1, 6);
    const accuracy = trainLinearProbe(shuffled).accuracy(test.features, test.labels);
    expect(Math.abs(accuracy - 1 / CLASSES)).toBeLessThan(0.07);
  });

  it('standardises with train statistics: a huge offset and scale change nothing', () => {
    const train = gaussianBlobs(separated, CLASSES, 60, 1.5, 7);
    const test = gaussianBlobs(separated, CLASSES, 60, 1.5, 8);
    const warp = (f: Float32Array) => f.map((v, k) => 1000 + (k % DIM === 0 ? 5000 : 0.01) * v);
    const plain = trainLinearProbe(train, { l2: 1e-2 });
    const warped = trainLinearProbe({ ...train, features: warp(train.features) }, { l2: 1e-2 });
    const agreement = plain
      .predict(test.features)
      .filter((c, i) => c === warped.predict(warp(test.features))[i]).length;
    expect(agreement / test.labels.length).toBeGreaterThan(0.98);
    expect(warped.accuracy(warp(test.features), test.labels)).toBeGreaterThan(0.9);
  });

  it('converges: the gradient of the training objective vanishes at the returned weights', () => {
    const train = gaussianBlobs(separated, CLASSES, 50, 2, 9);
    const probe = trainLinearProbe(train, { l2: 1e-2, tolerance: 0 });
    expect(probe.training.stopReason).toBe('gradient');
    const data = {
      features: probe.standardizer.transform(train.features),
      labels: train.labels,
      dim: DIM,
      numClasses: CLASSES,
    };
    const gradient = new Float64Array(probe.parameters.length);
    softmaxRegressionLoss(probe.parameters, data, 1e-2, gradient);
    expect(Math.max(...gradient.map(Math.abs))).toBeLessThan(1e-5);
  });

  it('shrinks the weights as l2 grows', () => {
    const train = gaussianBlobs(separated, CLASSES, 50, 1, 10);
    const norm = (l2: number) => {
      const { parameters } = trainLinearProbe(train, { l2 });
      return Math.hypot(...parameters.subarray(0, CLASSES * DIM));
    };
    const [weak, medium, strong] = [1e-4, 1e-1, 10].map(norm);
    expect(medium).toBeLessThan(weak);
    expect(strong).toBeLessThan(0.2 * medium);
  });

  it("with l2: 'auto' tries every grid value on a held-out split and keeps the best", () => {
    const train = gaussianBlobs(randomCenters(CLASSES, DIM, 0.6, 11), CLASSES, 40, 1, 12);
    const probe = trainLinearProbe(train, { l2Grid: [1e-3, 1e-1, 10] });
    const { l2, l2Selection, l2Search } = probe.training;
    expect(l2Selection).toBe('validation');
    expect(l2Search.map((c) => c.l2)).toEqual([1e-3, 1e-1, 10]);
    const best = Math.max(...l2Search.map((c) => c.validationAccuracy));
    const winners = l2Search.filter((c) => c.validationAccuracy === best);
    const chosen = winners.reduce((a, b) => (b.validationLoss < a.validationLoss ? b : a));
    expect(l2).toBe(chosen.l2);
    // Same seed, same split and result; deterministic.
    expect(trainLinearProbe(train, { l2Grid: [1e-3, 1e-1, 10] }).parameters).toEqual(probe.parameters);
  });

  it('falls back to the largest grid value when one shot per class leaves nothing to validate on', () => {
    const train = gaussianBlobs(separated, CLASSES, 1, 1, 13);
    const probe = trainLinearProbe(train);
    expect(probe.training).toMatchObject({ l2: 1, l2Selection: 'fallback', l2Search: [] });
    expect(probe.accuracy(train.features, train.labels)).toBe(1);
  });

  it('predicts classes missing from the train set only when told how many there are', () => {
    const train = gaussianBlobs(separated, CLASSES, 20, 1, 14);
    const probe = trainLinearProbe(train, { numClasses: 6, l2: 1e-2 });
    expect(probe.numClasses).toBe(6);
    const probabilities = probe.probabilities(train.features.subarray(0, DIM));
    expect(probabilities.length).toBe(6);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(probabilities[4]!).toBeLessThan(0.05);
  });

  it('says what is wrong with its input', () => {
    const train = gaussianBlobs(separated, CLASSES, 5, 1, 15);
    expect(() => trainLinearProbe({ ...train, labels: train.labels.subarray(1) })).toThrow(
      /19 labels for 20 feature rows/
    );
    expect(() => trainLinearProbe({ ...train, labels: Int32Array.from(train.labels, (c) => c - 1) })).toThrow(
      /labels\[0\] = -1/
    );
    expect(() => trainLinearProbe(train, { numClasses: 2 })).toThrow(/labels\[2\] = 2; class ids must be in \[0, 2\)/);
    expect(() => trainLinearProbe(train, { l2: -1 })).toThrow(/l2 must be 'auto' or a finite number >= 0/);
    expect(() => trainLinearProbe(train, { validationFraction: 1 })).toThrow(/validationFraction must be in \(0, 1\)/);
    const nan = Float32Array.from(train.features);
    nan[DIM + 2] = Number.NaN;
    expect(() => trainLinearProbe({ ...train, features: nan })).toThrow(/row 1, column 2\) is NaN/);
    const probe = trainLinearProbe(train, { l2: 1e-2 });
    expect(() => probe.predict(new Float32Array(DIM + 1))).toThrow(/9 floats, which is not a multiple of dim=8/);
  });
});
