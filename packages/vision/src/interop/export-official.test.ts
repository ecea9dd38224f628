import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type CheckpointFile, type HostTensor } from '@jepa/core';
import { readCheckpointFile, readSafetensorsFile } from '@jepa/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IJepaModel } from '../model/ijepa.js';
import { convertCheckpointTensors, officialStateDict } from './export-official.js';
import { exportOfficialSafetensors } from './export-official-file.js';
import { createEncoderFromCheckpoint, createIJepaFromCheckpoint } from './official-ijepa-checkpoint.js';
import { IJEPA_TINY_CHECKPOINT, IJEPA_TINY_DIR, sameBits } from './test-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'jepa-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!IJEPA_TINY_DIR)('exporting with the official names', () => {
  let file: CheckpointFile;
  let model: IJepaModel;
  /** The checkpoint's model tensors (everything but opt.*), by their official names. */
  let official: Map<string, { shape: number[]; data: ArrayBufferView }>;

  beforeAll(async () => {
    file = await readCheckpointFile(IJEPA_TINY_CHECKPOINT);
    model = createIJepaFromCheckpoint(file, { numHeads: 3 }).model;
    official = new Map([...file.tensors].filter(([k]) => !k.startsWith('opt.')).map(([k, t]) => [k, { shape: t.shape, data: t.data }]));
  });
  afterAll(() => model?.dispose());

  const expectSameTensors = (written: Map<string, HostTensor>, rename: (officialKey: string) => string) => {
    expect(written.size).toBe(official.size);
    for (const [key, t] of official) {
      const ours = written.get(rename(key));
      expect(ours, rename(key)).toBeDefined();
      expect(ours!.dtype).toBe('F32');
      expect(ours!.shape).toEqual(t.shape);
      expect(sameBits(ours!.data, t.data), key).toBe(true);
    }
  };

  it('writes the model with module. prefixes: the same names and bits as the official checkpoint', async () => {
    const path = join(dir, 'official.safetensors');
    const before = tf.memory().numTensors;
    const result = await exportOfficialSafetensors(path, model, { modulePrefix: true, epoch: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.keys[0]).toBe('encoder.module.pos_embed');
    const read = await readSafetensorsFile(path);
    expectSameTensors(read.tensors, (k) => k);
    expect(read.metadata).toMatchObject({ format: 'jepa-official-export', 'jepa.modules': 'encoder,predictor,target_encoder', 'jepa.modulePrefix': 'true', epoch: '2' });
    expect(JSON.parse(read.metadata['jepa.model']!)).toMatchObject({ imageSize: 32, patchSize: 4, encoder: { embedDim: 48, depth: 2, numHeads: 3 }, predictor: { embedDim: 24, numHeads: 3 } });
  });

  it('writes plain names by default, one module on request, and reads back without --num-heads', async () => {
    const plain = await officialStateDict(model);
    expectSameTensors(plain, (k) => k.replace('.module.', '.'));
    const path = join(dir, 'target.safetensors');
    await exportOfficialSafetensors(path, model, { modules: ['target_encoder'] });
    const read = await readSafetensorsFile(path);
    expect([...read.tensors.keys()].every((k) => k.startsWith('target_encoder.') && !k.includes('module.'))).toBe(true);
    // The sizes recorded in the metadata stand in for --num-heads.
    const { encoder, module } = createEncoderFromCheckpoint(await readCheckpointFile(path));
    expect(module).toBe('target_encoder');
    encoder.dispose();
  });

  it('writes a single ViT as a bare state dict, or under a module name', async () => {
    const bare = await officialStateDict(model.targetEncoder);
    expect([...bare.keys()].slice(0, 2)).toEqual(['pos_embed', 'patch_embed.proj.weight']);
    const named = await officialStateDict(model.targetEncoder, { moduleName: 'target_encoder', modulePrefix: true });
    expect(named.has('target_encoder.module.blocks.1.attn.qkv.bias')).toBe(true);
    const path = join(dir, 'vit.safetensors');
    const result = await exportOfficialSafetensors(path, model.targetEncoder);
    expect(JSON.parse(result.metadata['jepa.model']!)).toEqual({ imageSize: 32, patchSize: 4, inChannels: 3, encoder: { embedDim: 48, depth: 2, numHeads: 3 } });
    const loaded = createEncoderFromCheckpoint(await readCheckpointFile(path));
    expect(loaded.layout).toBe('bare-encoder');
    loaded.encoder.dispose();
    await expect(exportOfficialSafetensors(path, model, { modules: ['decoder' as never] })).rejects.toThrow(/modules must be a non-empty list of encoder, predictor, target_encoder/);
  });

  it('converts the checkpoint file itself: names as in the file, or with module. added or removed', () => {
    const kept = convertCheckpointTensors(file);
    expectSameTensors(kept.tensors, (k) => k);
    expect(kept.metadata).toMatchObject({ format: 'jepa-official-export', epoch: '2', lr: '0.001', batch_size: '4', 'jepa.modulePrefix': 'true', 'jepa.source': 'checkpoint.pth.tar' });
    expect(kept.metadata['jepa.model']).toBeUndefined();
    expect(kept.notes.join('\n')).toMatch(/left out 177 tensor\(s\) that are not model weights \(opt: optimizer state\)/);
    expect(kept.notes.join('\n')).toMatch(/heads are not recorded/);

    const stripped = convertCheckpointTensors(file, { modulePrefix: false, numHeads: 3 });
    expectSameTensors(stripped.tensors, (k) => k.replace('.module.', '.'));
    expect(JSON.parse(stripped.metadata['jepa.model']!).encoder.numHeads).toBe(3);

    const only = convertCheckpointTensors(file, { only: ['target_encoder'] });
    expect(only.tensors.size).toBe([...official.keys()].filter((k) => k.startsWith('target_encoder.')).length);
    expect(only.notes.join('\n')).toContain('left out module(s) encoder, predictor (--only)');
    expect(() => convertCheckpointTensors({ ...file, tensors: new Map([...file.tensors].filter(([k]) => !k.startsWith('predictor.'))) }, { only: ['predictor'] }))
      .toThrow(/has no predictor module \(it holds encoder, target_encoder\)/);
  });
});
