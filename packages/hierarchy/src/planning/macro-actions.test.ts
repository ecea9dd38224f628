import { describe, expect, it } from 'vitest';
import { sumMacroActions } from './macro-actions.js';

describe('sumMacroActions', () => {
  it('sums each window of stepSkip actions and drops a trailing partial window', () => {
    // 7 two-entry actions, windows of 3: steps 0-2 and 3-5; step 6 is dropped.
    const actions = [1, 0, 2, 0, 3, 1, -1, -1, 0, 5, 0.5, 0, 9, 9];
    expect(Array.from(sumMacroActions(actions, 2, 3))).toEqual([6, 1, -0.5, 4]);
  });

  it('keeps the actions as they are with stepSkip 1, and gives none when the actions are fewer than one window', () => {
    expect(Array.from(sumMacroActions([1, 2, 3], 1, 1))).toEqual([1, 2, 3]);
    expect(sumMacroActions([1, 2], 2, 2)).toHaveLength(0);
  });

  it('refuses sizes that do not fit', () => {
    expect(() => sumMacroActions([1, 2, 3], 2, 1)).toThrow(/3 entries are not a whole number of 2-entry actions/);
    expect(() => sumMacroActions([1, 2], 2, 0)).toThrow(/stepSkip must be a positive integer/);
  });
});
