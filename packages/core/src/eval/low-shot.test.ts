import { describe, expect, it } from 'vitest';
import type { LabelledFeatures } from './labelled-features.js';
import { linearProbeTrainer } from './linear-probe.js';
import { lowShotProbe } from './low-shot.js';
import { accuracyOf } from './probe.js';
import type { Probe, ProbeTrainer, ProbeTrainingContext } from './probe.js';
import { gaussianBlobs, randomCenters } from './test-blobs.js';

const CLASSES = 5;
const DIM = 12;
// Overlapping blobs: a handful of shots gives a noisy probe, so draws disagree.
const centers = randomCenters(CLASSES, DIM, 0.8, 21);
const train = gaussianBlobs(centers, CLASSES, 60, 1, 22);
const test = gaussianBlobs(centers, CLASSES, 200, 1, 23);

/** A second probe kind for the tests: nearest class mean. */
function nearestMeanTrainer(seen: { subset: LabelledFeatures; context: ProbeTrainingContext }[] = []): ProbeTrainer {
  return (subset, context) => {
    seen.push({ subset, context });
    const { dim } = subset;
    const means = new Float64Array(context.numClasses * dim);
    const counts = new Float64Array(context.numClasses);
    subset.labels.forEach((c, i) => {
      counts[c]++;
      for (let j = 0; j < dim; j++) means[c * dim + j] += subset.features[i * dim + j]!;
    });
    means.forEach((_, k) => (means[k] /= Math.max(1, counts[Math.floor(k / dim)]!)));
    const probe: Probe = {
      kind: 'nearest-mean',
      dim,
      numClasses: context.numClasses,
      predict: (features) =>
        Int32Array.from({ length: features.length / dim }, (_, i) => {
          let best = 0;
          let bestDistance = Infinity;
          for (let c = 0; c < context.numClasses; c++) {
            let distance = 0;
            for (let j = 0; j < dim; j++) distance += (features[i * dim + j]! - means[c * dim + j]!) ** 2;
            if (distance < bestDistance) [best, bestDistance] = [c, distance];
          }
          return best;
        }),
      accuracy: (features, labels) => accuracyOf(probe.predict(features), labels),
    };
    return probe;
  };
}

describe('lowShotProbe', () => {
  it('draws differ (std > 0), the mean beats chance, and the same seed repeats exactly', async () => {
    const first = await lowShotProbe(train, test, { shotsPerClass: 3, draws: 4, seed: 7 });
    expect(first.accuracies).toHaveLength(4);
    expect(first.std).toBeGreaterThan(0);
    expect(first.mean).toBeGreaterThan(2 / CLASSES);
    const mean = first.accuracies.reduce((a, b) => a + b) / 4;
    const std = Math.sqrt(first.accuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
    expect(first.mean).toBeCloseTo(mean, 12);
    expect(first.std).toBeCloseTo(std, 12);

    const again = await lowShotProbe(train, test, { shotsPerClass: 3, draws: 4, seed: 7 });
    expect(again).toEqual(first);
    const other = await lowShotProbe(train, test, { shotsPerClass: 3, draws: 4, seed: 8 });
    expect(other.accuracies).not.toEqual(first.accuracies);
  });

  it('improves and steadies with more shots', async () => {
    const few = await lowShotProbe(train, test, { shotsPerClass: 2, draws: 4, seed: 1 });
    const many = await lowShotProbe(train, test, { shotsPerClass: 40, draws: 4, seed: 1 });
    expect(many.mean).toBeGreaterThan(few.mean + 0.1);
    expect(many.std).toBeLessThan(few.std);
  });

  it('gives each draw exactly shotsPerClass distinct train rows per class and its own seed', async () => {
    const seen: { subset: LabelledFeatures; context: ProbeTrainingContext }[] = [];
    const result = await lowShotProbe(train, test, {
      shotsPerClass: 4,
      draws: 3,
      seed: 3,
      trainer: nearestMeanTrainer(seen),
    });
    expect(seen).toHaveLength(3);
    const rowKeys = new Map<string, number>();
    for (let i = 0; i < train.labels.length; i++)
      rowKeys.set(train.features.subarray(i * DIM, (i + 1) * DIM).join(','), i);
    for (const { subset, context } of seen) {
      expect(context.numClasses).toBe(CLASSES);
      expect(subset.labels.length).toBe(4 * CLASSES);
      const rows = new Set<number>();
      for (let r = 0; r < subset.labels.length; r++) {
        const source = rowKeys.get(subset.features.subarray(r * DIM, (r + 1) * DIM).join(','));
        expect(source).toBeDefined();
        expect(train.labels[source!]).toBe(subset.labels[r]);
        rows.add(source!);
      }
      expect(rows.size).toBe(4 * CLASSES);
      for (let c = 0; c < CLASSES; c++) expect(subset.labels.filter((l) => l === c).length).toBe(4);
    }
    expect(new Set(seen.map((s) => s.context.seed)).size).toBe(3);
    expect(result.mean).toBeGreaterThan(2 / CLASSES);
  });

  it('takes the probe kind as a trainer and configured linear probes alike', async () => {
    const nearest = await lowShotProbe(train, test, { shotsPerClass: 10, draws: 2, trainer: nearestMeanTrainer() });
    const fixed = await lowShotProbe(train, test, {
      shotsPerClass: 10,
      draws: 2,
      trainer: linearProbeTrainer({ l2: 1 }),
    });
    expect(nearest.mean).toBeGreaterThan(0.6);
    expect(fixed.mean).toBeGreaterThan(0.6);
  });

  it('says which classes are short of examples and what else is wrong', async () => {
    await expect(lowShotProbe(train, test, { shotsPerClass: 61 })).rejects.toThrow(
      /5 of 5 classes have fewer than shotsPerClass=61 train examples \(class 0: 60/
    );
    await expect(lowShotProbe(train, test, { draws: 0 })).rejects.toThrow(/draws must be a positive integer/);
    await expect(
      lowShotProbe(train, {
        ...test,
        dim: 6,
        features: test.features.subarray(0, 6 * 10),
        labels: test.labels.subarray(0, 10),
      })
    ).rejects.toThrow(/test has dim=6 but train has dim=12/);
    const extraClass = { ...test, labels: Int32Array.from(test.labels, (c, i) => (i === 0 ? 7 : c)) };
    await expect(lowShotProbe(train, extraClass)).rejects.toThrow(/test has class 7 but the task has 5 classes/);
  });
});
