import * as tf from '@tensorflow/tfjs';
import { AdamW, disposeMasks, MultiBlock3dMaskSampler, Rng } from '@jepa/core';
import { describe, expect, it } from 'vitest';
import { pairedMaskSets } from './paired-mask-sets.js';
import { fanInTubeletInitStd, TubeletEmbed } from './tubelet-embed.js';
import { createVJepa, resolveVJepaConfig, type VJepaModelConfig } from './vjepa.js';
import { vjepaStepHyperParameters } from './vjepa-schedule.js';

const TINY: VJepaModelConfig = {
  numFrames: 4,
  tubeletSize: 2,
  imageSize: 16,
  patchSize: 4,
  inChannels: 1,
  encoder: { embedDim: 24, depth: 2, numHeads: 2 },
  predictor: { embedDim: 12, depth: 2 },
};

const projection = (encoder: { embedding: unknown }) => (encoder.embedding as TubeletEmbed).proj.weight;
const std = (t: tf.Tensor) => tf.tidy(() => Math.sqrt(tf.moments(t).variance.dataSync()[0]!));

describe('createVJepa', () => {
  it('builds the three modules with official names, one mask token per V-JEPA mask generator, zero-initialised', () => {
    const model = createVJepa(TINY, { seed: 0 });
    try {
      expect(model.grid).toEqual([2, 4, 4]);
      expect(model.config.predictor).toEqual({ embedDim: 12, depth: 2, numHeads: 2 });
      expect(model.config.numMaskTokens).toBe(2);
      const dict = model.stateDict();
      const keys = Object.keys(dict);
      expect(keys).toContain('encoder.patch_embed.proj.weight');
      expect(keys).toContain('target_encoder.blocks.1.mlp.fc2.bias');
      expect(keys).toContain('predictor.mask_tokens.1');
      expect(dict['encoder.patch_embed.proj.weight']!.shape).toEqual([24, 1, 2, 4, 4]);
      expect(tf.tidy(() => tf.max(tf.abs(dict['predictor.mask_tokens.0']!)).dataSync()[0])).toBe(0);
      // The target encoder starts as a copy of the context encoder.
      for (const key of keys.filter((k) => k.startsWith('encoder.'))) {
        expect(tf.tidy(() => tf.max(tf.abs(tf.sub(dict[key]!, dict[`target_${key}`]!))).dataSync()[0]), key).toBe(0);
      }
      tf.dispose(Object.values(dict));
    } finally {
      model.dispose();
    }
  });

  it('initialises every Linear weight with one std, as the official init_video_model (no residual rescale)', () => {
    const model = createVJepa({ ...TINY, encoder: { embedDim: 96, depth: 2, numHeads: 2 }, predictor: { embedDim: 96, depth: 2 } }, { seed: 3 });
    try {
      // The constructors divide block 1's attn.proj and mlp.fc2 by sqrt(4) = 2; the official re-init undoes it.
      for (const blocks of [model.contextEncoder.blocks.items, model.predictor.blocks.items]) {
        const reference = std(blocks[0]!.attn.qkv.weight);
        for (const block of blocks) {
          for (const weight of [block.attn.proj.weight, block.mlp.fc2.weight]) {
            expect(std(weight) / reference).toBeGreaterThan(0.9);
            expect(std(weight) / reference).toBeLessThan(1.1);
          }
        }
      }
    } finally {
      model.dispose();
    }
  });

  it('draws the tubelet projection with patchEmbedInitStd when given (the fan-in std for small grey tubelets)', () => {
    const wide = { ...TINY, encoder: { embedDim: 96, depth: 1, numHeads: 2 } };
    const official = createVJepa(wide, { seed: 4 });
    const fanIn = createVJepa({ ...wide, patchEmbedInitStd: fanInTubeletInitStd(2, 4, 1) }, { seed: 4 });
    try {
      expect(fanInTubeletInitStd(2, 4, 1)).toBeCloseTo(1 / Math.sqrt(32), 12);
      // 32 x 96 weights: the sample std is within a few percent of the std asked for (0.02 official).
      expect(std(projection(official.contextEncoder)) / 0.02).toBeGreaterThan(0.9);
      expect(std(projection(official.contextEncoder)) / 0.02).toBeLessThan(1.1);
      for (const encoder of [fanIn.contextEncoder, fanIn.targetEncoder]) {
        expect(std(projection(encoder)) * Math.sqrt(32)).toBeGreaterThan(0.85); // clipped at 2 std: about 0.88 of it
        expect(std(projection(encoder)) * Math.sqrt(32)).toBeLessThan(1.05);
      }
      expect(std(fanIn.contextEncoder.blocks.items[0]!.attn.qkv.weight) / 0.02).toBeLessThan(1.1); // only the projection changes
      expect(() => createVJepa({ ...TINY, patchEmbedInitStd: -1 })).toThrow(/initStd must be positive/);
    } finally {
      official.dispose();
      fanIn.dispose();
    }
  });

  it('is deterministic for a seed, and round-trips its state dict strictly', () => {
    const a = createVJepa(TINY, { seed: 7 });
    const b = createVJepa(TINY, { seed: 7 });
    const c = createVJepa(TINY, { seed: 8 });
    try {
      const [da, db, dc] = [a.stateDict(), b.stateDict(), c.stateDict()];
      const diff = (x: tf.Tensor, y: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]!);
      for (const key of Object.keys(da)) expect(diff(da[key]!, db[key]!), key).toBe(0);
      expect(diff(da['encoder.blocks.0.attn.qkv.weight']!, dc['encoder.blocks.0.attn.qkv.weight']!)).toBeGreaterThan(0);
      c.loadStateDict(da, 'model a');
      const loaded = c.stateDict();
      for (const key of Object.keys(da)) expect(diff(da[key]!, loaded[key]!), key).toBe(0);
      const { ['predictor.mask_tokens.1']: dropped, ...partial } = da;
      expect(dropped).toBeDefined();
      expect(() => c.loadStateDict(partial, 'partial')).toThrow(/from partial does not match the model; nothing was loaded[\s\S]*predictor\.mask_tokens\.1 \[1, 1, 12\]/);
      tf.dispose([...Object.values(da), ...Object.values(db), ...Object.values(dc), ...Object.values(loaded)]);
    } finally {
      a.dispose();
      b.dispose();
      c.dispose();
    }
  });

  it('trains on clips with the 3-D multi-block masks: L1 loss, every mask token learns, EMA moves the target', () => {
    const model = createVJepa(TINY, { seed: 1 });
    const optimizer = new AdamW(model.jepa.trainableParameters());
    const sampler = new MultiBlock3dMaskSampler({ grid: model.grid });
    const clips = tf.randomUniform([2, 4, 16, 16, 1], 0, 1, 'float32', 5) as tf.Tensor5D;
    try {
      const targetBefore = tf.clone(model.targetEncoder.blocks.items[0]!.attn.qkv.weight);
      const before = tf.memory().numTensors;
      const losses: number[] = [];
      for (let step = 1; step <= 2; step++) {
        const masks = sampler.sample(2, new Rng(step));
        const sets = pairedMaskSets(masks);
        expect(sets).toHaveLength(2);
        if (step === 1) {
          const { loss, grads } = model.jepa.lossAndGradients(clips, sets);
          // Each generator uses its own token, so both get a gradient.
          for (const name of ['predictor.mask_tokens.0', 'predictor.mask_tokens.1']) expect(tf.tidy(() => tf.sum(tf.abs(grads[name]!)).dataSync()[0]), name).toBeGreaterThan(0);
          tf.dispose([loss, ...Object.values(grads)]);
        }
        const hyper = vjepaStepHyperParameters(step, { steps: 2, warmupSteps: 1, startLr: 1e-3, lr: 1e-3 });
        losses.push(model.jepa.step(clips, sets, optimizer, hyper).loss);
        disposeMasks(masks);
      }
      expect(tf.memory().numTensors).toBe(before);
      expect(losses.every(Number.isFinite)).toBe(true);
      const moved = tf.tidy(() => tf.max(tf.abs(tf.sub(model.targetEncoder.blocks.items[0]!.attn.qkv.weight, targetBefore))).dataSync()[0]!);
      expect(moved).toBeGreaterThan(0);
      targetBefore.dispose();
    } finally {
      clips.dispose();
      optimizer.dispose();
      model.dispose();
    }
  });

  it('checks the config at once, listing every problem with the field to change', () => {
    expect(() => resolveVJepaConfig({ ...TINY, numFrames: 5, patchSize: 5, predictor: { embedDim: 10, numHeads: 3 } })).toThrow(
      /Invalid V-JEPA model config:\n {2}- numFrames 5 is not a multiple of tubeletSize 2\n {2}- imageSize 16 is not a multiple of patchSize 5\n {2}- predictor width 10 is not divisible by its 3 heads/,
    );
    expect(() => resolveVJepaConfig({ ...TINY, encoder: 'enormous' as 'large' })).toThrow(/Unknown ViT preset 'enormous'/);
    expect(resolveVJepaConfig({ numFrames: 16, imageSize: 224, patchSize: 16, encoder: 'large' })).toMatchObject({
      tubeletSize: 2,
      inChannels: 3,
      encoder: { embedDim: 1024, depth: 24, numHeads: 16 },
      predictor: { embedDim: 384, depth: 12, numHeads: 16 },
      numMaskTokens: 2,
      uniformPower: true,
      zeroInitMaskTokens: true,
    });
    const before = tf.memory().numTensors;
    expect(() => createVJepa({ ...TINY, numMaskTokens: 0 })).toThrow(/numMaskTokens must be a positive integer \(got 0\)/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
