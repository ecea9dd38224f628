import { describe, expect, it } from 'vitest';
import { uniformInt, uniformRange } from './uniform-source.js';

describe('uniform helpers', () => {
  it('maps [0, 1) onto [low, high) and clamps a draw of 1', () => {
    expect(uniformInt({ uniform: () => 0 }, 3, 7)).toBe(3);
    expect(uniformInt({ uniform: () => 0.9999 }, 3, 7)).toBe(6);
    expect(uniformInt({ uniform: () => 1 }, 3, 7)).toBe(6);
    expect(uniformRange({ uniform: () => 0.25 }, 1, 3)).toBe(1.5);
  });
});
