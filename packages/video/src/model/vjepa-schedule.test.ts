import { describe, expect, it } from 'vitest';
import { vjepaStepHyperParameters } from './vjepa-schedule.js';

describe('vjepaStepHyperParameters', () => {
  it('follows the official V-JEPA schedules over 1.25x the run, clipping after warm-up', () => {
    const steps = 300;
    const first = vjepaStepHyperParameters(1, { steps });
    expect(first.momentum).toBe(0.998);
    expect(first.weightDecay).toBeCloseTo(0.04, 4);
    expect(first.lr).toBeCloseTo(0.0002 + (0.000625 - 0.0002) / 40, 10);
    expect(first.clipGradNorm).toBeUndefined();
    expect(vjepaStepHyperParameters(40, { steps }).lr).toBeCloseTo(0.000625, 10);
    expect(vjepaStepHyperParameters(41, { steps }).clipGradNorm).toBe(10);
    const last = vjepaStepHyperParameters(steps, { steps });
    // The schedules span 375 updates, so the run ends short of 1.0 and 0.4.
    expect(last.momentum).toBeCloseTo(0.998 + (299 * 0.002) / 375, 12);
    expect(last.weightDecay).toBeLessThan(0.4);
    expect(last.weightDecay).toBeGreaterThan(0.3);
    expect(vjepaStepHyperParameters(steps, { steps, scheduleScale: 1 }).momentum).toBeCloseTo(0.998 + (299 * 0.002) / 300, 12);
    expect(vjepaStepHyperParameters(100, { steps, clipGradNorm: null }).clipGradNorm).toBeUndefined();
  });

  it('says what is wrong with the schedule', () => {
    expect(() => vjepaStepHyperParameters(0, { steps: 10 })).toThrow(/step is 1-based/);
    expect(() => vjepaStepHyperParameters(1, { steps: 0 })).toThrow(/steps must be a positive integer, got 0/);
    expect(() => vjepaStepHyperParameters(1, { steps: 10, warmupSteps: 11 })).toThrow(/warmupSteps must be an integer in \[0, 10\], got 11/);
    expect(() => vjepaStepHyperParameters(1, { steps: 10, scheduleScale: 0.5 })).toThrow(/scheduleScale must be >= 1/);
  });
});
