import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { train } from '@jepa/core/node';
import { checkTrainableConformance } from '@jepa/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMovingMnistDataset } from '../data/moving-mnist-files.js';
import { sevenSegmentDigits } from '../data/test-digits.js';
import { loadVideoIndex } from '../data/video-index-dataset.js';
import { extractClipFeatures } from './clip-features.js';
import { clipStatistics, decodeDatasetClips, subsetDecodedClips, type DecodedClips } from './decoded-clips.js';
import type { ClipBatchSource } from './clip-batch-source.js';
import { streamDatasetClips } from './streamed-clips.js';
import { VJepaTrainable, type VJepaTrainingConfig } from './vjepa-trainable.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'vjepa-train-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

let clips: DecodedClips;
let fps = 0;
let indexFile = '';
beforeAll(async () => {
  const dir = tempDir();
  indexFile = join(dir, 'digits.csv');
  const digits = sevenSegmentDigits(2);
  await writeMovingMnistDataset(dir, { count: 12, numFrames: 4, size: 32, numDigits: 1, seed: 5, digits });
  const dataset = await loadVideoIndex(join(dir, 'digits.csv'), { numFrames: 4, size: 16, pixelFormat: 'gray' });
  const decoded = await decodeDatasetClips(dataset);
  clips = decoded.clips;
  fps = decoded.framesPerSecond;
});

const config: VJepaTrainingConfig = {
  model: { numFrames: 4, tubeletSize: 2, imageSize: 16, patchSize: 4, inChannels: 1, encoder: { embedDim: 16, depth: 1, numHeads: 2 }, predictor: { embedDim: 8, depth: 1, numHeads: 2 } },
  masks: [
    { spatialScale: [0.15, 0.15], numBlocks: 2 },
    { spatialScale: [0.5, 0.5], numBlocks: 1 },
  ],
  optimization: { steps: 4, batchSize: 4, warmupSteps: 1, lr: 1e-3 },
  normalization: { mean: [0.1], std: [0.3] },
  seed: 7,
};

async function weightsAfter(run: (t: VJepaTrainable) => Promise<void>, source: () => Promise<DecodedClips | ClipBatchSource> = async () => clips): Promise<Map<string, Float32Array>> {
  const trainable = new VJepaTrainable(config, await source());
  try {
    await run(trainable);
    const dict = trainable.model.stateDict();
    const out = new Map(Object.entries(dict).map(([k, t]) => [k, t.dataSync() as Float32Array]));
    tf.dispose(Object.values(dict));
    return out;
  } finally {
    await trainable.close();
  }
}

describe('decodeDatasetClips', () => {
  it('decodes every mp4 once into [n, T, H, W, C] with the index labels', () => {
    expect([clips.count, clips.numFrames, clips.height, clips.width, clips.channels]).toEqual([12, 4, 16, 16, 1]);
    expect(clips.data.length).toBe(12 * 4 * 16 * 16);
    expect(Array.from(clips.labels).every((l) => l >= 0 && l <= 9)).toBe(true);
    expect(fps).toBeGreaterThan(0);
    const { mean, std } = clipStatistics(clips);
    expect(mean[0]).toBeGreaterThan(0.01); // a digit is visible after the mp4 round trip
    expect(mean[0]).toBeLessThan(0.5);
    expect(std[0]).toBeGreaterThan(0.05);
    const sub = subsetDecodedClips(clips, [3, 1]);
    expect(Array.from(sub.labels)).toEqual([clips.labels[3], clips.labels[1]]);
    expect(Array.from(sub.data.subarray(0, 1024))).toEqual(Array.from(clips.data.subarray(3 * 1024, 4 * 1024)));
  });
});

describe('V-JEPA training run', () => {
  it('trains: losses are finite, L1 is positive, hyper-parameters follow the V-JEPA schedule', async () => {
    const before = tf.memory().numTensors;
    const t = new VJepaTrainable(config, clips);
    try {
      const m1 = await t.trainStep(1);
      const m2 = await t.trainStep(2);
      expect(Number.isFinite(m1.loss) && m1.loss > 0).toBe(true);
      expect(Number.isFinite(m2.loss)).toBe(true);
      expect(m1.lr).toBeCloseTo(t.hyperParameters(1).lr, 12);
      expect(t.hyperParameters(2).clipGradNorm).toBe(10); // after the 1-step warm-up
      expect(t.hyperParameters(1).clipGradNorm).toBeUndefined();
    } finally {
      t.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

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
    expect(straight.has('predictor.mask_tokens.1')).toBe(true);
    for (const [key, values] of straight) expect(Array.from(resumed.get(key)!), key).toEqual(Array.from(values));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('derives every batch from (seed, step)', async () => {
    const a = new VJepaTrainable(config, clips);
    const b = new VJepaTrainable(config, clips);
    try {
      expect(Array.from(await a.batchFor(3))).toEqual(Array.from(await b.batchFor(3)));
      expect(Array.from(a.batchIndices(1))).not.toEqual(Array.from(a.batchIndices(2)));
      expect(new Set([...a.batchIndices(1), ...a.batchIndices(2), ...a.batchIndices(3)]).size).toBe(12); // one epoch visits each clip once
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('passes the trainable conformance suite on clips in memory: exact resume through checkpoint files, no tensor leaks, strict loading', async () => {
    const probeSet = subsetDecodedClips(clips, [0, 3, 6, 9, 11]);
    const report = await checkTrainableConformance({ create: () => new VJepaTrainable(config, clips, probeSet) });
    expect(report).toEqual({ passed: ['exact resume', 'no tensor leaks', 'strict loading'], skipped: [] });
  });

  it('rejects a config that does not fit the clips, naming the fields', () => {
    expect(() => new VJepaTrainable({ ...config, model: { ...config.model, numFrames: 8, imageSize: 32 }, optimization: { ...config.optimization, batchSize: 100 } }, clips))
      .toThrow(/batchSize 100 exceeds the 12 training clips[\s\S]*numFrames is 8 but the clips have 4[\s\S]*imageSize is 32/);
    expect(() => new VJepaTrainable({ ...config, masks: [{ spatialScale: [0.15, 0.15], numBlocks: 2 }] }, clips)).toThrow(/numMaskTokens is 2 but there are 1 mask generators/);
  });

  it('extracts average-pooled clip features [n, D] without leaking tensors', async () => {
    const t = new VJepaTrainable(config, clips);
    try {
      const before = tf.memory().numTensors;
      const features = await extractClipFeatures(t.model.targetEncoder, clips, { batchSize: 5, normalization: config.normalization });
      expect(features.length).toBe(12 * 16);
      expect(features.every(Number.isFinite)).toBe(true);
      const single = await extractClipFeatures(t.model.targetEncoder, subsetDecodedClips(clips, [6]), { normalization: config.normalization });
      for (let d = 0; d < 16; d++) expect(single[d]).toBeCloseTo(features[6 * 16 + d]!, 4);
      // pooling 'tokens' keeps the [2, 4, 4] grid's 32 tokens; their mean is the pooled feature.
      const tokens = await extractClipFeatures(t.model.targetEncoder, clips, { batchSize: 5, normalization: config.normalization, pooling: 'tokens' });
      expect(tokens.length).toBe(12 * 32 * 16);
      for (let d = 0; d < 16; d++) {
        let sum = 0;
        for (let k = 0; k < 32; k++) sum += tokens[(6 * 32 + k) * 16 + d]!;
        expect(sum / 32).toBeCloseTo(features[6 * 16 + d]!, 4);
      }
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      t.dispose();
    }
  });

  // Each Moving MNIST video is exactly one clip long, so streamed random clips equal the centred ones decoded up front.
  const streamed = async () => streamDatasetClips(await loadVideoIndex(indexFile, { numFrames: 4, size: 16, pixelFormat: 'gray' }), { seed: 3, prefetchBatches: 2 });

  it('streams batches decoded on a worker while training: the same clips as decoding up front, and exact resume', async () => {
    const before = tf.memory().numTensors;
    const source = await streamed();
    try {
      expect([source.count, source.numFrames, source.height, source.width, source.channels]).toEqual([12, 4, 16, 16, 1]);
      const indices = Int32Array.from([5, 0, 11]);
      const batch = await source.load(9, indices, new AbortController().signal);
      const per = 4 * 16 * 16;
      indices.forEach((k, i) => expect(Buffer.from(batch.buffer, i * per * 4, per * 4).equals(Buffer.from(clips.data.buffer, k * per * 4, per * 4)), `clip ${i}`).toBe(true));
      expect(source.stats().clips).toBe(3);
    } finally {
      await source.close();
    }
    const inMemory = await weightsAfter(async (t) => {
      await train(t, { outDir: tempDir(), totalSteps: 4, checkpointEvery: 4, progress: 'none' });
    });
    const dir = tempDir();
    await weightsAfter(async (t) => {
      const result = await train(t, { outDir: dir, totalSteps: 4, checkpointEvery: 2, progress: 'none', stopAfterStep: 3 });
      expect(result.steps).toBe(3);
    }, streamed);
    const resumed = await weightsAfter(async (t) => {
      await train(t, { outDir: dir, totalSteps: 4, checkpointEvery: 2, progress: 'none', resume: true });
    }, streamed);
    for (const [key, values] of inMemory) expect(Array.from(resumed.get(key)!), key).toEqual(Array.from(values));
    const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { dataWait?: number });
    expect(metrics.every((m) => typeof m.dataWait === 'number' && m.dataWait >= 0)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });
});
