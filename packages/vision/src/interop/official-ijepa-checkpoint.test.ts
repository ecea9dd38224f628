import * as tf from '@tensorflow/tfjs';
import { type CheckpointFile, type CheckpointTensor, type MaskSet, matchVitPreset, MissingHeadsError, StateDictMismatchError } from '@jepa/core';
import { readCheckpointFile } from '@jepa/core/node';
import { loadFixtureTensors, maxAbsDiff } from '@jepa/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIJepa } from '../model/ijepa.js';
import {
  createEncoderFromCheckpoint,
  createIJepaFromCheckpoint,
  ijepaConfigFromArchitecture,
  inferIJepaArchitecture,
  loadIJepaWeights,
  splitModuleWeights,
} from './official-ijepa-checkpoint.js';
import { filled, IJEPA_TINY_CHECKPOINT, IJEPA_TINY_DIR, sameBits, withTensors } from './test-fixture.js';

/** A tensor with the right shape and no data: inference reads shapes only. */
const shaped = (shape: number[]): CheckpointTensor => ({ dtype: 'F32', shape, data: new Float32Array(0) });

/** The shapes of an official ViT (and optionally its predictor) at any size, without the data. */
function officialShapes(o: { width: number; depth: number; patch: number; image: number; hidden: number; predictor?: { width: number; depth: number; hidden: number } }): CheckpointFile {
  const tensors = new Map<string, CheckpointTensor>();
  const grid = (o.image / o.patch) ** 2;
  for (const module of ['encoder', 'target_encoder']) {
    const p = `${module}.module.`;
    tensors.set(`${p}pos_embed`, shaped([1, grid, o.width]));
    tensors.set(`${p}patch_embed.proj.weight`, shaped([o.width, 3, o.patch, o.patch]));
    for (let i = 0; i < o.depth; i++) tensors.set(`${p}blocks.${i}.mlp.fc1.weight`, shaped([o.hidden, o.width]));
  }
  if (o.predictor) {
    const p = 'predictor.module.';
    tensors.set(`${p}predictor_embed.weight`, shaped([o.predictor.width, o.width]));
    tensors.set(`${p}predictor_pos_embed`, shaped([1, grid, o.predictor.width]));
    for (let i = 0; i < o.predictor.depth; i++) tensors.set(`${p}predictor_blocks.${i}.mlp.fc1.weight`, shaped([o.predictor.hidden, o.predictor.width]));
  }
  return { path: 'release.pth.tar', format: 'torch', byteLength: 0, tensors, metadata: { epoch: 300 } };
}

describe('inferring official I-JEPA sizes from tensor shapes', () => {
  it('reads ViT-H/14, ViT-H/16-448 and ViT-g/16 and takes their heads from the presets', () => {
    const h14 = inferIJepaArchitecture(officialShapes({ width: 1280, depth: 32, patch: 14, image: 224, hidden: 5120, predictor: { width: 384, depth: 12, hidden: 1536 } }));
    expect(h14.encoder).toEqual({ imageSize: 224, patchSize: 14, inChannels: 3, embedDim: 1280, depth: 32, mlpRatio: 4, gridSize: 16 });
    expect(h14).toMatchObject({ preset: 'huge', numHeads: 16, headsFrom: 'preset', predictorNumHeads: 16 });
    expect(h14.predictor).toEqual({ embedDim: 384, depth: 12, mlpRatio: 4, encoderEmbedDim: 1280, numTokens: 256 });
    expect(ijepaConfigFromArchitecture(h14, 'h14')).toEqual({
      imageSize: 224, patchSize: 14, inChannels: 3,
      encoder: { embedDim: 1280, depth: 32, numHeads: 16 },
      predictor: { embedDim: 384, depth: 12, numHeads: 16 },
    });

    const h16 = inferIJepaArchitecture(officialShapes({ width: 1280, depth: 32, patch: 16, image: 448, hidden: 5120 }));
    expect(h16.encoder).toMatchObject({ imageSize: 448, patchSize: 16, gridSize: 28 });
    expect(h16.numHeads).toBe(16);

    const g16 = inferIJepaArchitecture(officialShapes({ width: 1408, depth: 40, patch: 16, image: 224, hidden: 6144, predictor: { width: 384, depth: 12, hidden: 1536 } }));
    expect(g16).toMatchObject({ preset: 'giant', numHeads: 16 });
    expect(g16.encoder.mlpRatio).toBeCloseTo(48 / 11, 12);
    // Its predictor keeps the official default MLP ratio 4 while the encoder uses 48/11.
    const g16Config = ijepaConfigFromArchitecture(g16, 'g16.pth.tar');
    expect(g16Config.encoder).toMatchObject({ embedDim: 1408, depth: 40, numHeads: 16 });
    expect((g16Config.encoder as { mlpRatio?: number }).mlpRatio).toBeCloseTo(48 / 11, 12);
    expect(g16Config.predictor).toEqual({ embedDim: 384, depth: 12, numHeads: 16 });
  });

  it('matches presets by width, depth and MLP ratio only', () => {
    expect(matchVitPreset(1280, 32)).toBe('huge');
    expect(matchVitPreset(1408, 40, 48 / 11)).toBe('giant');
    expect(matchVitPreset(1408, 40, 4)).toBeUndefined();
    expect(matchVitPreset(48, 2)).toBeUndefined();
  });

  it('lets an explicit numHeads win over the preset, and names what is missing', () => {
    const file = officialShapes({ width: 1280, depth: 32, patch: 14, image: 224, hidden: 5120 });
    expect(inferIJepaArchitecture(file, { numHeads: 8 })).toMatchObject({ numHeads: 8, headsFrom: 'option' });
    const noPos = withTensors(file, (t) => t.delete('target_encoder.module.pos_embed'));
    expect(() => inferIJepaArchitecture(noPos)).toThrow(/release\.pth\.tar \(target_encoder\): no 'pos_embed' tensor, so the image size cannot be read/);
    const gap = withTensors(file, (t) => t.delete('target_encoder.module.blocks.7.mlp.fc1.weight'));
    expect(() => inferIJepaArchitecture(gap)).toThrow(/'blocks.<i>' entries are numbered 0, 1, 2, 3, 4, 5, 6, 8, .*some are missing/);
    expect(() => inferIJepaArchitecture(file, { numHeads: 0 })).toThrow(/numHeads must be a positive integer/);
  });
});

describe.skipIf(!IJEPA_TINY_DIR)('the official ijepa-tiny checkpoint', () => {
  let file: CheckpointFile;
  let fixture: Map<string, tf.Tensor>;

  beforeAll(async () => {
    file = await readCheckpointFile(IJEPA_TINY_CHECKPOINT);
    fixture = await loadFixtureTensors(IJEPA_TINY_DIR!);
  });
  afterAll(() => {
    for (const t of fixture?.values() ?? []) t.dispose();
  });

  it('splits into the three modules, strips module. and keeps the optimizer state apart', () => {
    const weights = splitModuleWeights(file);
    expect(weights.layout).toBe('modules');
    expect([...weights.modules.keys()]).toEqual(['encoder', 'predictor', 'target_encoder']);
    expect([...weights.prefixed].sort()).toEqual(['encoder', 'predictor', 'target_encoder']);
    expect([...weights.modules.get('encoder')!.keys()].slice(0, 3)).toEqual(['pos_embed', 'patch_embed.proj.weight', 'patch_embed.proj.bias']);
    expect([...weights.other.keys()].every((k) => k.startsWith('opt.'))).toBe(true);
    expect(file.metadata).toMatchObject({ epoch: 2, batch_size: 4, world_size: 1, lr: 0.001, scaler: null });
  });

  it('infers every size but the heads, and refuses to guess them', () => {
    const architecture = inferIJepaArchitecture(file);
    expect(architecture.encoder).toEqual({ imageSize: 32, patchSize: 4, inChannels: 3, embedDim: 48, depth: 2, mlpRatio: 4, gridSize: 8 });
    expect(architecture.predictor).toEqual({ embedDim: 24, depth: 2, mlpRatio: 4, encoderEmbedDim: 48, numTokens: 64 });
    expect(architecture.numHeads).toBeUndefined();
    expect(architecture.preset).toBeUndefined();
    const before = tf.memory().numTensors;
    expect(() => createIJepaFromCheckpoint(file)).toThrow(MissingHeadsError);
    expect(() => createIJepaFromCheckpoint(file)).toThrow(/checkpoint\.pth\.tar: the number of attention heads cannot be read from the weights.*numHeads.*1, 2, 3, 4, 6, 8, 12, 16, 24, 48/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads all three modules bit for bit equal to the fixture\'s init.* weights', () => {
    const before = tf.memory().numTensors;
    const { model, config, epoch, architecture } = createIJepaFromCheckpoint(file, { numHeads: 3 });
    try {
      expect(epoch).toBe(2);
      expect(architecture).toMatchObject({ numHeads: 3, headsFrom: 'option', predictorNumHeads: 3 });
      expect(config).toEqual({ imageSize: 32, patchSize: 4, inChannels: 3, encoder: { embedDim: 48, depth: 2, numHeads: 3 }, predictor: { embedDim: 24, depth: 2, numHeads: 3 } });
      const ours = model.stateDict();
      try {
        const expectedKeys = [...fixture.keys()].filter((k) => k.startsWith('init.')).map((k) => k.slice('init.'.length));
        expect(Object.keys(ours).sort()).toEqual(expectedKeys.sort());
        for (const key of expectedKeys) {
          expect(sameBits(ours[key]!.dataSync(), fixture.get(`init.${key}`)!.dataSync()), key).toBe(true);
        }
      } finally {
        tf.dispose(Object.values(ours));
      }
    } finally {
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reproduces the official step-1 forward pass with the loaded model', () => {
    const get = (key: string) => fixture.get(key)!;
    const collect = (kind: string) => [...fixture.keys()].filter((k) => k.startsWith(`step1.${kind}.`)).sort().map((k) => get(k) as tf.Tensor2D);
    const masks: MaskSet = { context: collect('masks_enc'), target: collect('masks_pred') };
    const before = tf.memory().numTensors;
    const { model } = createIJepaFromCheckpoint(file, { numHeads: 3 });
    const images = tf.transpose(get('step1.images'), [0, 2, 3, 1]) as tf.Tensor4D;
    const out = model.jepa.forward(images, masks);
    try {
      const g = out.perGenerator[0]!;
      expect(maxAbsDiff(out.targetFull, get('step1.expected.target_full'))).toBeLessThan(1e-4);
      expect(maxAbsDiff(g.context, get('step1.expected.context'))).toBeLessThan(1e-4);
      expect(maxAbsDiff(g.prediction, get('step1.expected.prediction'))).toBeLessThan(1e-4);
      expect(maxAbsDiff(g.target, get('step1.expected.target'))).toBeLessThan(1e-4);
      const expectedLoss = get('step1.expected.loss').dataSync()[0]!;
      expect(Math.abs(out.loss.dataSync()[0]! - expectedLoss) / Math.abs(expectedLoss)).toBeLessThan(1e-5);
    } finally {
      tf.dispose([images, out.targetFull, out.loss, ...out.perGenerator.flatMap((g) => [g.context, g.prediction, g.target, g.loss])]);
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('lists every missing, unexpected and mis-shaped key of all modules, and loads nothing', () => {
    const broken = withTensors(file, (t) => {
      t.delete('encoder.module.blocks.1.norm2.bias');
      t.set('predictor.module.predictor_extra.weight', filled([24, 24], 1));
      t.set('target_encoder.module.blocks.0.attn.proj.weight', filled([48, 47], 1));
    });
    const model = createIJepa({ imageSize: 32, patchSize: 4, encoder: { embedDim: 48, depth: 2, numHeads: 3 }, predictor: { embedDim: 24, depth: 2, numHeads: 3 } }, { seed: 1 });
    const before = model.stateDict();
    const tensorsBefore = tf.memory().numTensors;
    let error: unknown;
    try {
      loadIJepaWeights(model, broken);
    } catch (e) {
      error = e;
    }
    try {
      expect(error).toBeInstanceOf(StateDictMismatchError);
      const message = (error as Error).message;
      expect(message).toContain("checkpoint.pth.tar ('module.' stripped from encoder, predictor, target_encoder) does not match the model; nothing was loaded");
      expect(message).toContain('missing (1): in the model, not in the file:\n    encoder.blocks.1.norm2.bias [48]');
      expect(message).toContain('unexpected (1): in the file, not in the model:\n    predictor.predictor_extra.weight [24, 24]');
      expect(message).toContain('target_encoder.blocks.0.attn.proj.weight: model [48, 48], file [48, 47]');
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      const after = model.stateDict();
      for (const key of Object.keys(before)) expect(sameBits(after[key]!.dataSync(), before[key]!.dataSync()), key).toBe(true);
      tf.dispose(Object.values(after));
      // Building from it fails the same way and leaks nothing.
      expect(() => createIJepaFromCheckpoint(broken, { numHeads: 3 })).toThrow(StateDictMismatchError);
      expect(tf.memory().numTensors).toBe(tensorsBefore);
    } finally {
      tf.dispose(Object.values(before));
      model.dispose();
    }
  });

  it('builds the target encoder alone by default, or the context encoder on request', () => {
    // Official target encoders start as copies of the encoder: make them differ to see which is taken.
    const edited = withTensors(file, (t) => t.set('target_encoder.module.norm.bias', filled([48], 0.5)));
    const before = tf.memory().numTensors;
    const target = createEncoderFromCheckpoint(edited, { numHeads: 3 });
    const context = createEncoderFromCheckpoint(edited, { numHeads: 3, which: 'encoder' });
    try {
      expect(target.module).toBe('target_encoder');
      expect(context.module).toBe('encoder');
      expect(target.encoder.embedDim).toBe(48);
      expect(Array.from(target.encoder.norm.variables().get('bias')!.dataSync()).every((v) => v === 0.5)).toBe(true);
      const contextBias = context.encoder.stateDict();
      expect(sameBits(contextBias['norm.bias']!.dataSync(), fixture.get('init.encoder.norm.bias')!.dataSync())).toBe(true);
      tf.dispose(Object.values(contextBias));
    } finally {
      target.encoder.dispose();
      context.encoder.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    const onlyContext = withTensors(file, (t) => {
      for (const key of [...t.keys()]) if (key.startsWith('target_encoder.')) t.delete(key);
    });
    expect(() => createEncoderFromCheckpoint(onlyContext, { numHeads: 3 })).toThrow(/has no 'target_encoder' module \(it holds encoder, predictor\)\. Ask for the context encoder \(--encoder context\) instead/);
  });

  it('loads a bare encoder state dict (with or without module.)', () => {
    for (const prefix of ['module.', '']) {
      const tensors = new Map<string, CheckpointTensor>();
      for (const [key, t] of file.tensors) if (key.startsWith('encoder.module.')) tensors.set(prefix + key.slice('encoder.module.'.length), t);
      const bare: CheckpointFile = { path: 'encoder.pth', format: 'torch', byteLength: 0, tensors, metadata: {} };
      expect(splitModuleWeights(bare).layout).toBe('bare-encoder');
      const { encoder, module, layout } = createEncoderFromCheckpoint(bare, { numHeads: 3 });
      expect([module, layout]).toEqual(['encoder', 'bare-encoder']);
      const dict = encoder.stateDict();
      expect(sameBits(dict['blocks.1.mlp.fc2.weight']!.dataSync(), fixture.get('init.encoder.blocks.1.mlp.fc2.weight')!.dataSync())).toBe(true);
      tf.dispose(Object.values(dict));
      encoder.dispose();
    }
  });
});
