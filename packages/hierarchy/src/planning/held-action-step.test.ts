import { describe, expect, it } from 'vitest';
import { heldActionStep } from './held-action-step.js';

describe('heldActionStep', () => {
  it('applies the same action the given number of times, each step from the last one\'s state', () => {
    // A step that adds the action and clamps x at 5: holding [2, 1] four times from (0, 0) ends at (5, 4).
    const step = (s: Float32Array, a: Float32Array) => Float32Array.of(Math.min(5, s[0]! + a[0]!), s[1]! + a[1]!);
    expect(Array.from(heldActionStep(step, 4)(Float32Array.of(0, 0), Float32Array.of(2, 1)))).toEqual([5, 4]);
    expect(Array.from(heldActionStep(step, 1)(Float32Array.of(1, 1), Float32Array.of(2, 1)))).toEqual([3, 2]);
  });

  it('refuses a count that is not a positive integer', () => {
    expect(() => heldActionStep((s) => s, 0)).toThrow(/times must be a positive integer/);
  });
});
