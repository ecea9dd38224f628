import { describe, expect, it } from 'vitest';
import { MNIST_IJEPA_RECIPE } from '@jepa/vision';
import { resolveModelConfig } from './resolve-model-config.js';

describe('resolveModelConfig', () => {
  it('gives the recipe when no flag is set', () => {
    const { imageSize, patchSize, inChannels, patchEmbedInitStd, encoder, predictor } = MNIST_IJEPA_RECIPE.model;
    expect(resolveModelConfig({}, 1)).toEqual({ imageSize, patchSize, inChannels, patchEmbedInitStd, encoder, predictor });
    // The fan-in patch init follows the resolved patch size and channels.
    expect(resolveModelConfig({ patchSize: 4 }, 3).patchEmbedInitStd).toBeCloseTo(1 / Math.sqrt(4 * 4 * 3), 12);
  });

  it('applies a preset, then explicit sizes on top; predictor heads follow changed encoder heads', () => {
    const model = resolveModelConfig({ preset: 'small', depth: 6, patchSize: 7, predictorEmbedDim: 96 }, 1);
    expect(model.encoder).toEqual({ embedDim: 384, depth: 6, numHeads: 6 });
    expect(model.predictor).toEqual({ embedDim: 96, depth: 2, numHeads: 6 });
    // 6 heads do not divide the recipe's 64-wide predictor: it keeps the recipe's 4.
    expect(resolveModelConfig({ preset: 'small' }, 1).predictor.numHeads).toBe(4);
    expect(resolveModelConfig({ numHeads: 8, predictorNumHeads: 2 }, 1).predictor.numHeads).toBe(2);
  });

  it('lists every problem with the flags that fix it', () => {
    expect(() => resolveModelConfig({ embedDim: 30, predictorEmbedDim: 20, predictorNumHeads: 3, patchSize: 5 }, 1)).toThrowError(
      /Invalid model:\n {2}- the encoder width 30[^\n]*\n {2}- the encoder width 30 must be a multiple of 4[^\n]*--embed-dim 28 or 32\.\n {2}- the predictor width 20 is not divisible by its 3 heads[^\n]*\n {2}- --patch-size 5 does not divide --image-size 28/,
    );
    expect(() => resolveModelConfig({ preset: 'tiny', embedDim: 100 }, 1)).toThrowError('width 100 (from --preset tiny) is not divisible by its 3 heads');
    expect(() => resolveModelConfig({ preset: 'medium' }, 1)).toThrowError("Unknown --preset 'medium'. Use one of tiny, small, base, large, huge, giant");
    expect(() => resolveModelConfig({ patchSize: 28 }, 1)).toThrowError('leaves a 1 x 1 token grid');
  });
});
