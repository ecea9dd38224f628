import * as tf from '@tensorflow/tfjs';
import { AdamW, type CheckpointFile, isTorchTensor, type TorchTensor } from '@jepa/core';
import { readCheckpointFile } from '@jepa/core/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createIJepa, type IJepaModel } from '../model/ijepa.js';
import { splitModuleWeights } from './official-ijepa-checkpoint.js';
import { importOfficialOptimizerState } from './official-optimizer-state.js';
import { IJEPA_TINY_CHECKPOINT, IJEPA_TINY_DIR } from './test-fixture.js';

const tinyModel = () => createIJepa({ imageSize: 32, patchSize: 4, encoder: { embedDim: 48, depth: 2, numHeads: 3 }, predictor: { embedDim: 24, depth: 2, numHeads: 3 } }, { seed: 0 });

type Opt = { state: Record<string, { exp_avg: TorchTensor; exp_avg_sq: TorchTensor; step: TorchTensor }>; param_groups: Array<{ params: number[] }> };

describe.skipIf(!IJEPA_TINY_DIR)('importing the official AdamW state', () => {
  let file: CheckpointFile;
  let opt: Opt;

  beforeAll(async () => {
    file = await readCheckpointFile(IJEPA_TINY_CHECKPOINT);
    opt = (file.value as { opt: Opt }).opt;
  });

  const withOptimizer = (run: (model: IJepaModel, optimizer: AdamW) => void) => {
    const model = tinyModel();
    const optimizer = new AdamW(model.jepa.trainableParameters());
    try {
      run(model, optimizer);
    } finally {
      optimizer.dispose();
      model.dispose();
    }
  };

  it('maps the four init_opt groups onto our parameters and converts the moments to our layout', () => {
    const before = tf.memory().numTensors;
    withOptimizer((model, optimizer) => {
      const result = importOfficialOptimizerState(opt, splitModuleWeights(file), model, optimizer);
      expect(result).toMatchObject({ loaded: true, step: 2 });
      expect(result.message).toContain('AdamW moments of 59 parameters at update 2');
      expect(optimizer.stepCount).toBe(2);
      const state = optimizer.stateDict();
      try {
        // Index 1 is encoder.patch_embed.proj.weight (index 0, pos_embed, is frozen and has no state):
        // PyTorch [D, C, p, p] becomes our [p * p * C, D].
        const patch = state.tensors['encoder.patch_embed.proj.weight.exp_avg']!;
        expect(patch.shape).toEqual([48, 48]);
        const torchPatch = opt.state['1']!.exp_avg;
        const expectedPatch = tf.tidy(() => tf.reshape(tf.transpose(tf.tensor(torchPatch.data as Float32Array, torchPatch.shape), [2, 3, 1, 0]), [48, 48]));
        expect(Array.from(patch.dataSync())).toEqual(Array.from(expectedPatch.dataSync()));
        expectedPatch.dispose();
        // Index 2 is encoder.blocks.0.attn.qkv.weight: Linear [out, in] becomes [in, out].
        const qkv = state.tensors['encoder.blocks.0.attn.qkv.weight.exp_avg_sq']!;
        const torchQkv = opt.state['2']!.exp_avg_sq;
        expect(torchQkv.shape).toEqual([144, 48]);
        expect(qkv.shape).toEqual([48, 144]);
        expect(qkv.dataSync()[1 * 144 + 5]).toBe(torchQkv.data[5 * 48 + 1]);
        // Index 10 is predictor.mask_token (first of the predictor's decayed group); 41 the predictor_embed bias.
        expect(Array.from(state.tensors['predictor.mask_token.exp_avg']!.dataSync())).toEqual(Array.from(opt.state['10']!.exp_avg.data as Float32Array));
        expect(Array.from(state.tensors['predictor.predictor_embed.bias.exp_avg']!.dataSync())).toEqual(Array.from(opt.state['41']!.exp_avg.data as Float32Array));
      } finally {
        tf.dispose(Object.values(state.tensors));
      }
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('starts fresh, saying why, when the state does not line up', () => {
    const cases: Array<[unknown, RegExp]> = [
      [undefined, /the checkpoint has no opt entry/],
      [{ ...opt, param_groups: [opt.param_groups[0], opt.param_groups[1]] }, /its 2 param_groups hold \[10, 12\] parameters, but the official init_opt groups of these weights hold \[10, 12, 19, 20\]/],
      [{ ...opt, state: { ...opt.state, 2: { ...opt.state['2'], exp_avg: opt.state['3']!.exp_avg } } }, /opt\.state\.2\.exp_avg has shape \[48, 48\] but encoder\.blocks\.0\.attn\.qkv\.weight is \[144, 48\]/],
      [{ ...opt, state: Object.fromEntries(Object.entries(opt.state).filter(([k]) => k !== '5')) }, /no moments for 1 trainable parameter\(s\): encoder\.blocks\.0\.mlp\.fc2\.weight/],
    ];
    const before = tf.memory().numTensors;
    for (const [value, why] of cases) {
      withOptimizer((model, optimizer) => {
        const result = importOfficialOptimizerState(value, splitModuleWeights(file), model, optimizer);
        expect(result.loaded).toBe(false);
        expect(result.message).toMatch(why);
        expect(result.message).toContain('AdamW starts with fresh moments');
        expect(optimizer.stepCount).toBe(0);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(isTorchTensor(opt.state['1']!.step)).toBe(true);
  });
});
