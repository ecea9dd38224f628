import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type CheckpointFile, type CheckpointTensor, type MaskSet, StateDictMismatchError } from '@jepa/core';
import { readCheckpointFile } from '@jepa/core/node';
import { fixtureDir, loadFixtureTensors, maxAbsDiff } from '@jepa/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVJepa } from '../model/vjepa.js';
import {
  createVideoEncoderFromCheckpoint,
  createVJepaFromCheckpoint,
  inferVJepaArchitecture,
  loadVJepaWeights,
  splitVJepaWeights,
  vjepaConfigFromArchitecture,
} from './official-vjepa-checkpoint.js';
import { readVJepaCheckpoint } from './read-vjepa-checkpoint.js';

const dir = fixtureDir('vjepa-tiny');
const checkpointPath = dir ? join(dir, 'checkpoint.pth.tar') : '';
const TINY = { numFrames: 8, tubeletSize: 2, imageSize: 16, patchSize: 4, inChannels: 3, embedDim: 48, depth: 2, numHeads: 3 } as const;

/** A tensor with the right shape and no data: only shapes are read. */
const shaped = (shape: number[]): CheckpointTensor => ({ dtype: 'F32', shape, data: new Float32Array(0) });

/** A copy of `file` whose tensors are edited by `edit`. */
function withTensors(file: CheckpointFile, edit: (tensors: Map<string, CheckpointTensor>) => void): CheckpointFile {
  const tensors = new Map(file.tensors);
  edit(tensors);
  return { ...file, tensors };
}

const bits = (data: ArrayBufferView) => Buffer.from(data.buffer, data.byteOffset, data.byteLength);

describe('official V-JEPA sizes from shapes (ViT-L/16, 16 frames, 224 px)', () => {
  it('reads the sizes, takes the heads from the ViT-L preset and needs numFrames when pos_embed has no values', () => {
    const tensors = new Map<string, CheckpointTensor>();
    for (const m of ['encoder', 'target_encoder']) {
      tensors.set(`${m}.module.backbone.pos_embed`, shaped([1, 1568, 1024]));
      tensors.set(`${m}.module.backbone.patch_embed.proj.weight`, shaped([1024, 3, 2, 16, 16]));
      for (let i = 0; i < 24; i++) tensors.set(`${m}.module.backbone.blocks.${i}.mlp.fc1.weight`, shaped([4096, 1024]));
    }
    tensors.set('predictor.module.backbone.predictor_embed.weight', shaped([384, 1024]));
    tensors.set('predictor.module.backbone.predictor_pos_embed', shaped([1, 1568, 384]));
    tensors.set('predictor.module.backbone.mask_tokens.0', shaped([1, 1, 384]));
    tensors.set('predictor.module.backbone.mask_tokens.1', shaped([1, 1, 384]));
    for (let i = 0; i < 12; i++) tensors.set(`predictor.module.backbone.predictor_blocks.${i}.mlp.fc1.weight`, shaped([1536, 384]));
    const file: CheckpointFile = { path: 'vitl16.pth.tar', format: 'torch', byteLength: 0, tensors, metadata: {} };
    expect(() => inferVJepaArchitecture(file)).toThrow(/vitl16\.pth\.tar \(target_encoder\): the frames per clip cannot be read from 'pos_embed' \[1, 1568, 1024\].*pass numFrames/);
    const arch = inferVJepaArchitecture(file, { numFrames: 16 });
    expect(arch.encoder).toEqual({ numFrames: 16, tubeletSize: 2, imageSize: 224, patchSize: 16, inChannels: 3, embedDim: 1024, depth: 24, mlpRatio: 4, grid: [8, 14, 14] });
    expect(arch).toMatchObject({ preset: 'large', numHeads: 16, headsFrom: 'preset', predictorNumHeads: 16 });
    expect(arch.predictor).toEqual({ embedDim: 384, depth: 12, mlpRatio: 4, encoderEmbedDim: 1024, numTokens: 1568, numMaskTokens: 2 });
    expect(vjepaConfigFromArchitecture(arch, 'vitl16')).toEqual({
      numFrames: 16, tubeletSize: 2, imageSize: 224, patchSize: 16, inChannels: 3,
      encoder: { embedDim: 1024, depth: 24, numHeads: 16 },
      predictor: { embedDim: 384, depth: 12, numHeads: 16 },
      numMaskTokens: 2,
    });
    expect(() => inferVJepaArchitecture(file, { numFrames: 15 })).toThrow(/numFrames 15 is not a positive multiple of the tubelet size 2/);
    expect(() => inferVJepaArchitecture(file, { numFrames: 12 })).toThrow(/1568 positions, which is not 6 time steps of a square grid/);
  });

  it('points image checkpoints to @jepa/vision', () => {
    const file: CheckpointFile = {
      path: 'ijepa.pth.tar', format: 'torch', byteLength: 0, metadata: {},
      tensors: new Map([['encoder.module.patch_embed.proj.weight', shaped([48, 3, 4, 4])], ['encoder.module.pos_embed', shaped([1, 64, 48])]]),
    };
    expect(() => inferVJepaArchitecture(file)).toThrow(/'patch_embed\.proj\.weight' has shape \[48, 3, 4, 4\].*Conv2d.*@jepa\/vision/);
  });
});

describe.skipIf(!dir)('official V-JEPA checkpoint (fixtures/vjepa-tiny/checkpoint.pth.tar)', () => {
  let file: CheckpointFile;
  let tensors: Map<string, tf.Tensor>;

  beforeAll(async () => {
    file = await readCheckpointFile(checkpointPath);
    tensors = await loadFixtureTensors(dir!);
  });
  afterAll(() => {
    for (const t of tensors?.values() ?? []) t.dispose();
  });

  it('splits the modules, strips module.backbone. and reads every size (frames from the sin-cos pos_embed)', () => {
    const weights = splitVJepaWeights(file);
    expect([...weights.modules.keys()]).toEqual(['encoder', 'predictor', 'target_encoder']);
    expect(weights.strippedPrefix.get('encoder')).toBe('module.backbone.');
    expect(weights.modules.get('predictor')!.has('mask_tokens.1')).toBe(true);
    const arch = inferVJepaArchitecture(file, { numHeads: 3 });
    expect(arch.encoder).toEqual({ ...{ numFrames: 8, tubeletSize: 2, imageSize: 16, patchSize: 4, inChannels: 3, embedDim: 48, depth: 2 }, mlpRatio: 4, grid: [4, 4, 4] });
    expect(arch.predictor).toEqual({ embedDim: 24, depth: 2, mlpRatio: 4, encoderEmbedDim: 48, numTokens: 64, numMaskTokens: 2 });
    expect(arch).toMatchObject({ numHeads: 3, headsFrom: 'option', predictorNumHeads: 3 });
  });

  it('needs the heads of a model that matches no preset, and says how to pass them', () => {
    expect(() => createVJepaFromCheckpoint(file)).toThrow(/checkpoint\.pth\.tar: the number of attention heads cannot be read.*width 48 with depth 2 matches no ViT preset.*numHeads \(a divisor of 48: 1, 2, 3, 4, 6, 8, 12, 16, 24, 48\)/);
  });

  it('loads every weight bit for bit equal to init.*, and reproduces the official forward pass', async () => {
    const { model, config, epoch } = await readVJepaCheckpoint(checkpointPath, { numHeads: 3 });
    try {
      expect(epoch).toBe(2);
      expect(config).toMatchObject({ numFrames: 8, tubeletSize: 2, imageSize: 16, patchSize: 4, numMaskTokens: 2, predictor: { embedDim: 24, depth: 2, numHeads: 3 } });
      const ours = model.stateDict();
      const initKeys = [...tensors.keys()].filter((k) => k.startsWith('init.'));
      expect(Object.keys(ours).sort()).toEqual(initKeys.map((k) => k.slice('init.'.length)).sort());
      for (const key of initKeys) {
        const name = key.slice('init.'.length);
        expect(bits(ours[name]!.dataSync()).equals(bits(tensors.get(key)!.dataSync())), name).toBe(true);
      }
      tf.dispose(Object.values(ours));

      const clips = tf.transpose(tensors.get('step1.clips')!, [0, 2, 3, 4, 1]) as tf.Tensor5D;
      const masks: MaskSet[] = [0, 1].map((j) => ({ context: [tensors.get(`step1.masks_enc.${j}`) as tf.Tensor2D], target: [tensors.get(`step1.masks_pred.${j}`) as tf.Tensor2D] }));
      const out = model.jepa.forward(clips, masks);
      try {
        expect(maxAbsDiff(out.targetFull, tensors.get('step1.expected.target_full')!)).toBeLessThan(1e-4);
        out.perGenerator.forEach((g, j) => expect(maxAbsDiff(g.prediction, tensors.get(`step1.expected.prediction.${j}`)!), `prediction.${j}`).toBeLessThan(1e-4));
      } finally {
        tf.dispose([clips, out.targetFull, out.loss, ...out.perGenerator.flatMap((g) => [g.context, g.prediction, g.target, g.loss])]);
      }
    } finally {
      model.dispose();
    }
  });

  it('loads one encoder alone (the EMA target encoder by default)', () => {
    const before = tf.memory().numTensors;
    const { encoder, architecture } = createVideoEncoderFromCheckpoint(file, { numHeads: 3 });
    try {
      expect(encoder.grid).toEqual([4, 4, 4]);
      expect(architecture.numHeads).toBe(3);
      const weight = encoder.stateDict();
      expect(maxAbsDiff(weight['patch_embed.proj.weight']!, tensors.get('init.target_encoder.patch_embed.proj.weight')!)).toBe(0);
      tf.dispose(Object.values(weight));
    } finally {
      encoder.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    const noTarget = withTensors(file, (t) => {
      for (const key of [...t.keys()]) if (key.startsWith('target_encoder.')) t.delete(key);
    });
    expect(() => createVideoEncoderFromCheckpoint(noTarget, { numHeads: 3 })).toThrow(/has no 'target_encoder' module \(it holds encoder, predictor\)\. Ask for which: 'encoder' instead\./);
  });

  it('is strict: lists every missing, unexpected and mis-shaped key of all modules and loads nothing', () => {
    const model = createVJepa({ ...TINY, encoder: { embedDim: 48, depth: 2, numHeads: 3 }, predictor: { embedDim: 24, depth: 2, numHeads: 3 } }, { seed: 1 });
    try {
      const before = model.stateDict();
      const broken = withTensors(file, (t) => {
        t.delete('encoder.module.backbone.norm.bias');
        t.set('predictor.module.backbone.mask_tokens.2', shaped([1, 1, 24]));
        t.set('target_encoder.module.backbone.patch_embed.proj.weight', shaped([48, 3, 4, 4, 4]));
      });
      let error: unknown;
      try {
        loadVJepaWeights(model, broken);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StateDictMismatchError);
      const message = (error as Error).message;
      expect(message).toContain("checkpoint.pth.tar ('module.backbone.' stripped) does not match the model; nothing was loaded");
      expect(message).toMatch(/missing \(1\)[\s\S]*encoder\.norm\.bias \[48\]/);
      expect(message).toMatch(/unexpected \(1\)[\s\S]*predictor\.mask_tokens\.2 \[1, 1, 24\]/);
      expect(message).toMatch(/target_encoder\.patch_embed\.proj\.weight: model \[48, 3, 2, 4, 4\], file \[48, 3, 4, 4, 4\]/);
      const after = model.stateDict();
      for (const key of Object.keys(before)) expect(maxAbsDiff(before[key]!, after[key]!), key).toBe(0);
      tf.dispose([...Object.values(before), ...Object.values(after)]);

      const encoderOnly = withTensors(file, (t) => {
        for (const key of [...t.keys()]) if (!key.startsWith('encoder.')) t.delete(key);
      });
      expect(() => loadVJepaWeights(model, encoderOnly)).toThrow(/needs encoder, predictor and target_encoder, but the file holds encoder \(missing: predictor, target_encoder\)/);
    } finally {
      model.dispose();
    }
  });
});
