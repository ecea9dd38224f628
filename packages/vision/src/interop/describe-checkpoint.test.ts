import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CheckpointFile, type CheckpointTensor } from '@jepa/core';
import { readCheckpointFile, saveCheckpoint } from '@jepa/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIJepa } from '../model/ijepa.js';
import { describeCheckpoint } from './describe-checkpoint.js';
import { exportOfficialSafetensors } from './export-official-file.js';
import { IJEPA_TINY_CHECKPOINT, IJEPA_TINY_DIR } from './test-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'jepa-describe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!IJEPA_TINY_DIR)('describeCheckpoint', () => {
  let file: CheckpointFile;
  beforeAll(async () => {
    file = await readCheckpointFile(IJEPA_TINY_CHECKPOINT);
  });

  it('recognises the official training checkpoint and its model, and says heads are needed', () => {
    const d = describeCheckpoint(file);
    expect(d.kind).toBe('ijepa-training-checkpoint');
    expect(d.summary).toBe("I-JEPA full training checkpoint (encoder, predictor, target_encoder, optimizer state opt; keys prefixed 'module.')");
    expect(d.model).toBe(
      'I-JEPA ViT with width 48, depth 2, patch 4, image 32 (8 x 8 tokens), 3 channels, MLP ratio 4; heads: not inferable (matches no preset) — pass --num-heads. ' +
        'Predictor: width 24, depth 2, MLP ratio 4, heads the encoder\'s',
    );
    expect(d.epoch).toBe(2);
    // 64x48 pos_embed + 48x3x4x4 + 48 patch embedding + 2 blocks of 28,272 + 96 for the final norm.
    expect(d.parameters.encoder).toBe(3072 + 2304 + 48 + 2 * 28272 + 96);
    expect(d.parameters.target_encoder).toBe(d.parameters.encoder);
    expect(d.parameters.opt).toBeGreaterThan(0);
    expect(describeCheckpoint(file, { numHeads: 3 }).model).toContain('heads: 3 (given). Predictor: width 24, depth 2, MLP ratio 4, heads 3');
  });

  it('recognises a bare encoder state dict, our exports, run checkpoints and unknown files', async () => {
    const bareTensors = new Map<string, CheckpointTensor>();
    for (const [key, t] of file.tensors) if (key.startsWith('target_encoder.')) bareTensors.set(key.slice('target_encoder.'.length), t);
    const bare = describeCheckpoint({ path: 'vit.pth', format: 'torch', byteLength: 0, tensors: bareTensors, metadata: {} });
    expect(bare.kind).toBe('encoder-state-dict');
    expect(bare.summary).toContain("keys prefixed 'module.'");
    expect(bare.model).toMatch(/^I-JEPA ViT with width 48, depth 2/);
    expect(bare.parameters['(root)']).toBeGreaterThan(0);

    const model = createIJepa({ imageSize: 32, patchSize: 4, encoder: { embedDim: 48, depth: 2, numHeads: 3 }, predictor: { embedDim: 24, depth: 2, numHeads: 3 } }, { seed: 0 });
    try {
      await exportOfficialSafetensors(join(dir, 'export.safetensors'), model, { modulePrefix: true });
      const exported = describeCheckpoint(await readCheckpointFile(join(dir, 'export.safetensors')));
      expect(exported.kind).toBe('jepa-export');
      expect(exported.model).toContain('heads: 3 (recorded in the file)');

      const state = model.stateDict();
      await saveCheckpoint(join(dir, 'checkpoints'), 'step-000004', {
        tensors: state,
        meta: { trainer: { step: 4 }, state: { kind: 'ijepa', config: { model: model.config } } },
      });
      const run = describeCheckpoint(await readCheckpointFile(join(dir, 'checkpoints', 'step-000004.safetensors')));
      expect(run.kind).toBe('jepa-run-checkpoint');
      expect(run.summary).toContain('checkpoint of a `jepa train ijepa` run (step 4)');
      expect(run.model).toContain('heads: 3 (recorded in the file)');
      for (const t of Object.values(state)) t.dispose();
    } finally {
      model.dispose();
    }

    const unknown = describeCheckpoint({ path: 'x.pth', format: 'torch', byteLength: 0, tensors: new Map([['fc.weight', { dtype: 'F32', shape: [2, 2], data: new Float32Array(4) }]]), metadata: {} });
    expect(unknown.kind).toBe('unknown');
    expect(unknown.model).toBeUndefined();
  });
});
