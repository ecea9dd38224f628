import { describe, expect, it } from 'vitest';
import { checkFourRoomsDataset, generateFourRoomsDataset, getFourRoomsTrajectory } from './dataset.js';
import { replayFourRooms } from './replay.js';
import { fourRoomsRoomOf } from './rooms.js';
import { fourRoomsDoorCount } from './shortest-path.js';

const dataset = generateFourRoomsDataset({ trajectories: 400, seed: 11 });

describe('generateFourRoomsDataset', () => {
  it('has the TwoRoomsDataset shapes and the reference mixture: half expert, a closed door half the time', () => {
    expect(dataset.steps).toBe(90);
    expect(dataset.layouts.length).toBe(400);
    expect(dataset.positions.length).toBe(400 * 91 * 2);
    expect(dataset.actions.length).toBe(400 * 90 * 2);
    expect(() => checkFourRoomsDataset(dataset, 'test')).not.toThrow();
    const expertShare = dataset.expert.reduce((sum, v) => sum + v, 0) / 400;
    const closedShare = dataset.layouts.reduce((sum, v) => sum + (v >= 0 ? 1 : 0), 0) / 400;
    // 3 standard errors of a 0.5 share over 400 trajectories.
    expect(Math.abs(expertShare - 0.5)).toBeLessThan(0.075);
    expect(Math.abs(closedShare - 0.5)).toBeLessThan(0.075);
    expect(new Set(dataset.layouts)).toEqual(new Set([-1, 0, 1, 2, 3]));
    expect(Math.max(...dataset.actions.map(Math.abs))).toBeLessThanOrEqual(1.75);
  });

  it('replays exactly: positions follow from start and actions under the collision model', () => {
    for (let i = 0; i < dataset.trajectories; i++) {
      const { layout, positions, actions } = getFourRoomsTrajectory(dataset, i);
      expect(Float32Array.from(replayFourRooms({ layout, start: positions.subarray(0, 2), actions }))).toEqual(positions);
    }
  });

  it('never enters a wall and changes rooms only through open doors; the expert gets around more than exploration', () => {
    let expertRooms = 0;
    let exploreRooms = 0;
    let expertStalls = 0;
    let stallsOffCorners = 0;
    const offences: string[] = [];
    // Where the collision model parks a coordinate: the border clamps and the wall contact lines.
    const stops = [6, 58, 29 - 1 / 7, 35 + 1 / 7].map(Math.fround);
    for (let i = 0; i < dataset.trajectories; i++) {
      const { layout, positions, expert } = getFourRoomsTrajectory(dataset, i);
      const visited = new Set<string>();
      let previous = fourRoomsRoomOf(layout, positions[0]!, positions[1]!)!;
      for (let t = 0; t <= dataset.steps; t++) {
        const x = positions[2 * t]!;
        const y = positions[2 * t + 1]!;
        const room = fourRoomsRoomOf(layout, x, y);
        if (room === null) offences.push(`trajectory ${i} step ${t} in a wall at [${x}, ${y}]`);
        else if (fourRoomsDoorCount(layout, previous, room) > 1) offences.push(`trajectory ${i} step ${t}: ${previous} -> ${room}`);
        previous = room ?? previous;
        visited.add(String(room));
        if (t > 0 && x === positions[2 * t - 2] && y === positions[2 * t - 1]) {
          if (expert) expertStalls++;
          if (!stops.includes(x) || !stops.includes(y)) stallsOffCorners++;
        }
      }
      if (expert) expertRooms += visited.size;
      else exploreRooms += visited.size;
    }
    expect(offences).toEqual([]);
    const experts = dataset.expert.reduce((sum, v) => sum + v, 0);
    // Measured: about 3.2 rooms per expert trajectory, 1.5 per exploration trajectory.
    expect(expertRooms / experts).toBeGreaterThan(2.5);
    expect(exploreRooms / (dataset.trajectories - experts)).toBeLessThan(2);
    // A blocked move slides along a flat wall, so the agent stands still only in a corner (exploration,
    // which ignores the walls, parks there ~25 % of its steps while it turns); the expert hardly ever.
    expect(stallsOffCorners).toBe(0);
    expect(expertStalls).toBeLessThan(experts * dataset.steps * 0.01);
  });

  it('reproduces exactly from its seed, trajectory i depending only on seed and i; another seed differs', () => {
    const small = generateFourRoomsDataset({ trajectories: 5, seed: 11 });
    expect(small.positions).toEqual(dataset.positions.subarray(0, 5 * 91 * 2));
    expect(small.actions).toEqual(dataset.actions.subarray(0, 5 * 90 * 2));
    expect(generateFourRoomsDataset({ trajectories: 5, seed: 11 })).toEqual(small);
    const other = generateFourRoomsDataset({ trajectories: 5, seed: 12 });
    expect(other.positions).not.toEqual(small.positions);
    expect(other.actions).not.toEqual(small.actions);
  });

  it('takes generator overrides and says what to fix', () => {
    const short = generateFourRoomsDataset({ trajectories: 20, seed: 1, steps: 16, expertShare: 1, closeDoorProb: 0 });
    expect(short.positions.length).toBe(20 * 17 * 2);
    expect(Array.from(short.expert).every((flag) => flag === 1)).toBe(true);
    expect(Array.from(short.layouts).every((code) => code === -1)).toBe(true);
    expect(short.source?.config.steps).toBe(16);
    const explore = generateFourRoomsDataset({ trajectories: 3, seed: 1, expertShare: 0, explore: { switchTau: null } });
    expect(explore.source?.config.explore.switchTau).toBeNull();
    expect(explore.source?.config.explore.maxTurnRate).toBe(0.08);
    expect(() => generateFourRoomsDataset({ trajectories: 2, seed: 1, expertShare: 2 })).toThrow(/expertShare must be a probability/);
    expect(() => generateFourRoomsDataset({ trajectories: 1.5, seed: 1 })).toThrow(/trajectories must be a non-negative integer/);
    expect(() => generateFourRoomsDataset({ trajectories: 1, seed: 1, explore: { speedMean: Number.NaN } })).toThrow(/explore.speedMean must be a finite number/);
    expect(() => checkFourRoomsDataset({ ...short, actions: short.actions.subarray(2) }, 'test')).toThrow(/dataset.actions must be \[20, 16, 2\]/);
    expect(() => checkFourRoomsDataset({ ...short, layouts: Int8Array.from({ length: 20 }, () => 5) }, 'test')).toThrow(/layouts\[0\]/);
  });
});
