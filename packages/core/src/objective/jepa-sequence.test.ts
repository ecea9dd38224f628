import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { MultiBlockMaskSampler } from '../masks/multiblock-mask-sampler.js';
import { Rng } from '../random/rng.js';
import { JepaPredictor } from '../model/jepa-predictor.js';
import { LinearTokenEmbedding } from '../model/linear-token-embedding.js';
import { TransformerEncoder } from '../model/transformer-encoder.js';
import { AdamW } from '../optim/adamw.js';
import { Jepa } from './jepa.js';

/** Noisy sinusoids with a random frequency and phase per sample: `[B, L, 1]`. */
function sinusoids(batch: number, length: number, rng: Rng): tf.Tensor3D {
  const data = new Float32Array(batch * length);
  for (let b = 0; b < batch; b++) {
    const freq = rng.range(0.2, 0.8);
    const phase = rng.range(0, 2 * Math.PI);
    for (let t = 0; t < length; t++) data[b * length + t] = Math.sin(freq * t + phase) + 0.05 * rng.normal();
  }
  return tf.tensor3d(data, [batch, length, 1]);
}

describe('Jepa on a 1-D token sequence (nothing image-specific)', () => {
  it('trains: the loss falls, the target encoder follows by EMA, nothing leaks', () => {
    const length = 24;
    const build = () => new TransformerEncoder(new LinearTokenEmbedding(length, 1, 16), { depth: 2, numHeads: 2 });
    const contextEncoder = build();
    const targetEncoder = build();
    targetEncoder.copyFrom(contextEncoder);
    const predictor = new JepaPredictor({ grid: [length], embedDim: 16, predictorEmbedDim: 16, depth: 1, numHeads: 2 });
    const jepa = new Jepa<tf.Tensor3D>({ contextEncoder, targetEncoder, predictor, loss: 'l1' });
    const sampler = new MultiBlockMaskSampler({ grid: [length], numTargetBlocks: 2, minKeep: 2 });
    const optimizer = new AdamW(jepa.trainableParameters());
    const rng = new Rng(7);
    const before = tf.memory().numTensors;
    const targetBefore = targetEncoder.blocks.items[0]!.attn.qkv.weight.dataSync().slice();
    const losses: number[] = [];
    for (let step = 1; step <= 40; step++) {
      const x = sinusoids(16, length, rng);
      const masks = sampler.sample(16, rng);
      expect(masks.context[0]!.shape[0]).toBe(16);
      losses.push(jepa.step(x, masks, optimizer, { lr: 3e-3, weightDecay: 0.01, momentum: 0.99 }).loss);
      tf.dispose([x, ...masks.context, ...masks.target]);
    }
    expect(tf.memory().numTensors).toBe(before);
    const head = losses.slice(0, 5).reduce((a, b) => a + b) / 5;
    const tail = losses.slice(-5).reduce((a, b) => a + b) / 5;
    expect(tail).toBeLessThan(head * 0.8);
    const targetAfter = targetEncoder.blocks.items[0]!.attn.qkv.weight.dataSync();
    expect(targetAfter.some((v, i) => v !== targetBefore[i])).toBe(true);
    // EMA keeps the target between its start and the online encoder: it moved less than the online weights.
    const online = contextEncoder.blocks.items[0]!.attn.qkv.weight.dataSync();
    let movedTarget = 0;
    let movedOnline = 0;
    for (let i = 0; i < online.length; i++) {
      movedTarget += Math.abs(targetAfter[i]! - targetBefore[i]!);
      movedOnline += Math.abs(online[i]! - targetBefore[i]!);
    }
    expect(movedTarget).toBeLessThan(movedOnline);
    optimizer.dispose();
    contextEncoder.dispose();
    targetEncoder.dispose();
    predictor.dispose();
  });
});
