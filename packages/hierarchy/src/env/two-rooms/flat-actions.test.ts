import { describe, expect, it } from 'vitest';
import { flattenActions } from './flat-actions.js';

describe('flattenActions', () => {
  it('returns flat actions as they are and copies [dx, dy] pairs into a flat array', () => {
    const flat = new Float32Array([1, 2, 3, 4]);
    expect(flattenActions(flat, 'here')).toBe(flat);
    expect(flattenActions([[1, 2], [3, 4]], 'here')).toEqual(new Float64Array([1, 2, 3, 4]));
    expect(flattenActions([], 'here')).toEqual([]);
  });

  it('names the caller and the action to fix', () => {
    expect(() => flattenActions(null as unknown as number[], 'here')).toThrow(/^here: actions must be \[T, 2\] displacements/);
    expect(() => flattenActions([1, 2, 3], 'here')).toThrow(/^here: flat actions must hold \[T, 2\] values .*got 3 values/);
    expect(() => flattenActions([1, NaN], 'here')).toThrow(/^here: action 0 must hold finite numbers/);
    expect(() => flattenActions([[1, 2], [3]], 'here')).toThrow(/^here: actions\[1\] must be \[x, y\]/);
  });
});
