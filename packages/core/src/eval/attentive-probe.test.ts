import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { AttentiveClassifier, attentiveProbeTrainer, trainAttentiveProbe } from './attentive-probe.js';
import { fullProbe } from './full-probe.js';
import type { LabelledFeatures } from './labelled-features.js';
import { linearProbeTrainer } from './linear-probe.js';
import { lowShotProbe } from './low-shot.js';
import { gaussianSampler } from './test-blobs.js';

const TOKENS = 6;
const WIDTH = 8;
const CLASSES = 3;

/**
 * Token sets `[n, N, D]` flattened to `[n, N * D]`: N - 1 noise tokens and, at a random position,
 * one marked token (channel 0 = 4) whose channels 1..C carry the class. Which token matters
 * changes from example to example, so a probe has to attend to it.
 */
function tokenSets(rowsPerClass: number, seed: number): LabelledFeatures {
  const gauss = gaussianSampler(seed);
  const rows = rowsPerClass * CLASSES;
  const dim = TOKENS * WIDTH;
  const features = new Float32Array(rows * dim);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const label = i % CLASSES;
    labels[i] = label;
    for (let j = 0; j < dim; j++) features[i * dim + j] = 0.5 * gauss();
    const slot = Math.floor(Math.abs(gauss() * 1e4)) % TOKENS;
    const at = i * dim + slot * WIDTH;
    features[at] = 4;
    features[at + 1 + label] += 3;
  }
  return { features, labels, dim };
}

const train = tokenSets(40, 1);
const test = tokenSets(60, 2);
const FAST = { numTokens: TOKENS, numHeads: 2, epochs: 12, batchSize: 16, lr: 0.02 } as const;

describe('AttentiveClassifier', () => {
  it('has the official parameter names and maps [B, N, D] tokens to [B, C] logits', () => {
    const classifier = new AttentiveClassifier({ dim: WIDTH, numClasses: CLASSES, numHeads: 2, seed: 0 });
    expect(Object.keys(classifier.stateDictShapes())).toEqual([
      'pooler.query_tokens',
      'pooler.cross_attention_block.norm1.weight',
      'pooler.cross_attention_block.norm1.bias',
      'pooler.cross_attention_block.xattn.q.weight',
      'pooler.cross_attention_block.xattn.q.bias',
      'pooler.cross_attention_block.xattn.kv.weight',
      'pooler.cross_attention_block.xattn.kv.bias',
      'pooler.cross_attention_block.norm2.weight',
      'pooler.cross_attention_block.norm2.bias',
      'pooler.cross_attention_block.mlp.fc1.weight',
      'pooler.cross_attention_block.mlp.fc1.bias',
      'pooler.cross_attention_block.mlp.fc2.weight',
      'pooler.cross_attention_block.mlp.fc2.bias',
      'linear.weight',
      'linear.bias',
    ]);
    const tokens = tf.randomNormal([5, TOKENS, WIDTH], 0, 1, 'float32', 3) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const logits = classifier.apply(tokens);
    expect(logits.shape).toEqual([5, CLASSES]);
    // Pooling is permutation-invariant over tokens (no positions inside the probe).
    const reversed = tf.reverse(tokens, 1) as tf.Tensor3D;
    const again = classifier.apply(reversed);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(logits, again))).dataSync()[0])).toBeLessThan(1e-5);
    tf.dispose([logits, reversed, again]);
    expect(tf.memory().numTensors).toBe(before);
    tokens.dispose();
    classifier.dispose();
    expect(() => new AttentiveClassifier({ dim: WIDTH, numClasses: 2, numHeads: 3 })).toThrow(/width 8 is not divisible by 3 heads/);
  });
});

describe('trainAttentiveProbe', () => {
  it('learns token sets where the class sits in one token at a random position, leaking no tensors', () => {
    const before = tf.memory().numTensors;
    const probe = trainAttentiveProbe(train, FAST);
    try {
      expect(probe.kind).toBe('attentive');
      expect(probe.dim).toBe(TOKENS * WIDTH);
      expect(probe.numClasses).toBe(CLASSES);
      expect(probe.training.steps).toBe(12 * Math.ceil(120 / 16));
      const losses = probe.training.epochLosses;
      expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! / 4);
      expect(probe.accuracy(test.features, test.labels)).toBeGreaterThan(0.95);
    } finally {
      probe.dispose();
    }
    expect(probe.classifier.pooler.queryTokens.isDisposed).toBe(true);
    expect(probe.classifier.linear.weight.isDisposed).toBe(true);
    // Every variable, optimizer slot and intermediate is gone once the probe is disposed.
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const config = { ...FAST, epochs: 2 };
    const [a, b, c] = [trainAttentiveProbe(train, { ...config, seed: 4 }), trainAttentiveProbe(train, { ...config, seed: 4 }), trainAttentiveProbe(train, { ...config, seed: 5 })];
    try {
      const la = a.logits(test.features);
      expect(b.logits(test.features)).toEqual(la);
      expect(a.training.epochLosses).toEqual(b.training.epochLosses);
      expect(c.logits(test.features)).not.toEqual(la);
    } finally {
      a.dispose();
      b.dispose();
      c.dispose();
    }
  });

  it('plugs into fullProbe and lowShotProbe through the trainer option, and beats a linear probe here', async () => {
    const { accuracy, probe } = await fullProbe(train, test, { trainer: attentiveProbeTrainer(FAST), seed: 1 });
    expect(probe.kind).toBe('attentive');
    expect(accuracy).toBeGreaterThan(0.95);
    probe.dispose?.();
    const linear = await fullProbe(train, test, { trainer: linearProbeTrainer({ l2: 1e-3 }) });
    expect(accuracy).toBeGreaterThan(linear.accuracy);

    const before = tf.memory().numTensors;
    const lowShot = await lowShotProbe(train, test, { trainer: attentiveProbeTrainer({ ...FAST, epochs: 3 }), shotsPerClass: 4, draws: 2, seed: 3 });
    expect(lowShot.accuracies).toHaveLength(2);
    // The protocol disposes each draw's probe.
    expect(tf.memory().numTensors).toBe(before);
  });

  it('says what is wrong with the config and the features', () => {
    expect(() => attentiveProbeTrainer({ numTokens: 0 })).toThrow(/numTokens must be a positive integer; got 0/);
    expect(() => trainAttentiveProbe(train, { numTokens: 5 })).toThrow(/train\.dim=48 is not a multiple of numTokens=5.*dim = N \* D/);
    expect(() => trainAttentiveProbe(train, { numTokens: TOKENS, numHeads: 3 })).toThrow(/token width D=8 is not divisible by numHeads=3/);
    expect(() => trainAttentiveProbe(train, { numTokens: TOKENS, lr: -1 })).toThrow(/lr must be a finite number > 0/);
    expect(() => trainAttentiveProbe({ ...train, labels: new Int32Array(3) }, { numTokens: TOKENS })).toThrow(/3 labels for 120 feature rows/);
    const probe = trainAttentiveProbe(train, { ...FAST, epochs: 1 });
    expect(() => probe.predict(new Float32Array(7))).toThrow(/AttentiveProbe\.logits: features has 7 floats, which is not a multiple of dim=48/);
    probe.dispose();
  });
});
