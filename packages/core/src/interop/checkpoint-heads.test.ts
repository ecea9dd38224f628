import { describe, expect, it } from 'vitest';
import { MissingHeadsError, presetAndHeads, requireHeads, resolveHeads } from './checkpoint-heads.js';

describe('heads resolution', () => {
  it('takes the option, then the file, then the preset; the predictor follows the encoder unless told', () => {
    expect(resolveHeads({ numHeads: 2 }, { numHeads: 4 }, 'huge', true)).toEqual({ numHeads: 2, headsFrom: 'option', predictorNumHeads: 2 });
    expect(resolveHeads({}, { numHeads: 4, predictorNumHeads: 8 }, 'huge', true)).toEqual({ numHeads: 4, headsFrom: 'file', predictorNumHeads: 8 });
    expect(resolveHeads({}, {}, 'huge', false)).toEqual({ numHeads: 16, headsFrom: 'preset' });
    expect(resolveHeads({ predictorNumHeads: 3 }, {}, undefined, true)).toEqual({ predictorNumHeads: 3 });
  });

  it('matches ViT presets by width, depth and MLP ratio, and refuses to guess otherwise', () => {
    expect(presetAndHeads({ embedDim: 1408, depth: 40, mlpRatio: 48 / 11 }, {}, {}, false)).toEqual({ preset: 'giant', numHeads: 16, headsFrom: 'preset' });
    expect(presetAndHeads({ embedDim: 1408, depth: 40, mlpRatio: 4 }, {}, {}, false)).toEqual({});
    expect(() => presetAndHeads({ embedDim: 48, depth: 2, mlpRatio: 4 }, { numHeads: 0 }, {}, false)).toThrow(/numHeads must be a positive integer/);
    const unknown = { encoder: { embedDim: 48, depth: 2 } };
    expect(() => requireHeads(unknown, 'tiny.pth')).toThrow(MissingHeadsError);
    expect(() => requireHeads(unknown, 'tiny.pth')).toThrow(/^tiny\.pth: the number of attention heads cannot be read .*divisor of 48: 1, 2, 3, 4, 6, 8, 12, 16, 24, 48/);
    expect(requireHeads({ ...unknown, numHeads: 3 }, 'tiny.pth')).toBe(3);
  });
});
