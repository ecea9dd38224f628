import { Rng } from '@jepa/core/random';
import { describe, expect, it } from 'vitest';
import { generateTwoRoomsDataset } from './dataset.js';
import { sampleTwoRoomsWindows } from './window-sampler.js';

describe('sampleTwoRoomsWindows', () => {
  const dataset = generateTwoRoomsDataset({ trajectories: 6, seed: 2 });

  it('cuts L positions and the L actions taken from them, starting anywhere in 0..T-L', () => {
    const windows = sampleTwoRoomsWindows(dataset, { batchSize: 400, length: 17 }, new Rng(1));
    expect(windows.positions.length).toBe(400 * 17 * 2);
    expect(windows.layouts.length).toBe(800);
    const starts = new Set<number>();
    for (let b = 0; b < 400; b++) {
      const trajectory = windows.trajectoryIndices[b]!;
      const start = windows.starts[b]!;
      starts.add(start);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(start).toBeLessThanOrEqual(90 - 17);
      expect(windows.layouts.subarray(2 * b, 2 * b + 2)).toEqual(dataset.layouts.subarray(2 * trajectory, 2 * trajectory + 2));
      const positionOffset = (trajectory * 91 + start) * 2;
      expect(windows.positions.subarray(b * 34, (b + 1) * 34)).toEqual(dataset.positions.subarray(positionOffset, positionOffset + 34));
      const actionOffset = (trajectory * 90 + start) * 2;
      expect(windows.actions.subarray(b * 34, (b + 1) * 34)).toEqual(dataset.actions.subarray(actionOffset, actionOffset + 34));
    }
    expect(starts.has(0)).toBe(true);
    expect(starts.has(73)).toBe(true);
    expect(new Set(windows.trajectoryIndices).size).toBe(6);
  });

  it('repeats for the same rng seed and refuses windows longer than the trajectories', () => {
    const a = sampleTwoRoomsWindows(dataset, { batchSize: 8, length: 90 }, new Rng(5));
    expect(a.starts.every((s) => s === 0)).toBe(true);
    expect(sampleTwoRoomsWindows(dataset, { batchSize: 8, length: 4 }, new Rng(5))).toEqual(sampleTwoRoomsWindows(dataset, { batchSize: 8, length: 4 }, new Rng(5)));
    expect(() => sampleTwoRoomsWindows(dataset, { batchSize: 8, length: 91 }, new Rng(5))).toThrow(/length must be an integer in 1..90/);
  });
});
