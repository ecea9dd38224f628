import { describe, expect, it } from 'vitest';
import { applyOptimizationFlags, resolveSteps } from './optimization-flags.js';

const base = { steps: 500, batchSize: 16, warmupSteps: 50, startLr: 2e-4, lr: 1e-3, finalLr: 1e-6 };

describe('applyOptimizationFlags', () => {
  it('keeps the base when no flag is given', () => {
    expect(applyOptimizationFlags(base, {}, false)).toEqual(base);
  });

  it("keeps the warm-up fraction when a new run's length changes, and its length on resume", () => {
    expect(applyOptimizationFlags(base, { steps: 20 }, false)).toMatchObject({ steps: 20, warmupSteps: 2 });
    expect(applyOptimizationFlags(base, { steps: 2000 }, true)).toMatchObject({ steps: 2000, warmupSteps: 50 });
    expect(applyOptimizationFlags(base, { steps: 10 }, true)).toMatchObject({ steps: 10, warmupSteps: 10 });
  });

  it('scales the start learning rate with --lr and applies --batch-size', () => {
    const changed = applyOptimizationFlags(base, { lr: 2e-3, batchSize: 8 }, false);
    expect(changed).toMatchObject({ lr: 2e-3, batchSize: 8, finalLr: 1e-6 });
    expect(changed.startLr).toBeCloseTo(4e-4, 12);
  });
});

describe('resolveSteps', () => {
  it('takes --steps, or --epochs times the full batches per epoch, and refuses both', () => {
    expect(resolveSteps({}, 500, 100, 16)).toBe(500);
    expect(resolveSteps({ epochs: 3 }, 500, 100, 16)).toBe(18);
    expect(() => resolveSteps({ steps: 1, epochs: 1 }, 500, 100, 16)).toThrow('Give --steps or --epochs, not both.');
    expect(() => resolveSteps({ epochs: 1 }, 500, 10, 16)).toThrow(/exceeds the 10 train images/);
  });
});
