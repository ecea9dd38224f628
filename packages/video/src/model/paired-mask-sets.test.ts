import * as tf from '@tensorflow/tfjs';
import { disposeMasks, MultiBlock3dMaskSampler, Rng } from '@jepa/core';
import { describe, expect, it } from 'vitest';
import { pairedMaskSets } from './paired-mask-sets.js';

describe('pairedMaskSets', () => {
  it('gives one MaskSet per V-JEPA mask generator, sharing the tensors, each with its own mask token', () => {
    const masks = new MultiBlock3dMaskSampler({ grid: [2, 4, 4] }).sample(2, new Rng(0));
    const sets = pairedMaskSets(masks);
    expect(sets).toHaveLength(2);
    sets.forEach((set, i) => {
      expect(set.context).toEqual([masks.context[i]]);
      expect(set.target).toEqual([masks.target[i]]);
      expect(set.condition).toEqual({ maskTokenIndex: i }); // generator i uses mask token i
    });
    disposeMasks(masks);
  });

  it('refuses unpaired masks', () => {
    const m = tf.zeros([1, 2], 'int32') as tf.Tensor2D;
    expect(() => pairedMaskSets({ context: [m], target: [m, m] })).toThrow(/1 context and 2 target masks; V-JEPA masks come in pairs/);
    expect(() => pairedMaskSets({ context: [], target: [] })).toThrow(/0 context and 0 target masks/);
    m.dispose();
  });
});
