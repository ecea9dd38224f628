import { MULTIBLOCK_MASK_DEFAULTS } from '@jepa/core';
import { describe, expect, it } from 'vitest';
import { sampleImageMasks } from './mask-overlay.js';

describe('sampleImageMasks', () => {
  it('gives the multi-block masks of one image: targets apart from the context, same seed same masks', () => {
    const masks = sampleImageMasks([8, 8], MULTIBLOCK_MASK_DEFAULTS, 3);
    expect(masks.targets).toHaveLength(4);
    const context = new Set(masks.context);
    for (const block of masks.targets) {
      expect(block.length).toBeGreaterThan(0);
      for (const token of block) {
        expect(token).toBeGreaterThanOrEqual(0);
        expect(token).toBeLessThan(64);
        expect(context.has(token)).toBe(false);
      }
    }
    expect(masks.context.length).toBeGreaterThan(MULTIBLOCK_MASK_DEFAULTS.minKeep);
    expect(sampleImageMasks([8, 8], MULTIBLOCK_MASK_DEFAULTS, 3)).toEqual(masks);
    expect(sampleImageMasks([8, 8], MULTIBLOCK_MASK_DEFAULTS, 4)).not.toEqual(masks);
  });
});
