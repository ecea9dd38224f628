import { Rng } from '@jepa/core/random';
import { describe, expect, it } from 'vitest';
import { sampleFourRoomsEpisodeTask } from './episode-task.js';
import { fourRoomsExpertSteps } from './expert.js';
import { fourRoomsRoomOf } from './rooms.js';
import { fourRoomsDoorCount, fourRoomsShortestPath } from './shortest-path.js';
import { FOUR_ROOMS_DOOR_ROOMS } from './world.js';

describe('sampleFourRoomsEpisodeTask', () => {
  it('draws start and goal two doors apart (diagonal rooms), in every layout, with budget round(2.8 x expert steps)', () => {
    const rng = new Rng(8);
    let closed = 0;
    const n = 150;
    for (let i = 0; i < n; i++) {
      const task = sampleFourRoomsEpisodeTask(rng);
      const { layout, start, goal } = task;
      expect(fourRoomsShortestPath(layout, start, goal).doors.length).toBe(2);
      expect(task.path.doors.length).toBe(2);
      expect(fourRoomsRoomOf(layout, start[0], start[1])).toBe(task.startRoom);
      expect(fourRoomsRoomOf(layout, goal[0], goal[1])).toBe(task.goalRoom);
      // Diagonal: no door joins the two rooms.
      expect(Object.values(FOUR_ROOMS_DOOR_ROOMS).some(([a, b]) => (a === task.startRoom && b === task.goalRoom) || (b === task.startRoom && a === task.goalRoom))).toBe(false);
      expect(task.expertSteps).toBe(fourRoomsExpertSteps(layout, start, goal));
      expect(task.expertSteps).toBeGreaterThan(5);
      expect(task.budget).toBe(Math.round(2.8 * task.expertSteps));
      if (layout.closedDoor !== null) closed++;
    }
    expect(Math.abs(closed / n - 0.5)).toBeLessThan(0.13);
  });

  it('also draws 0, 1 or 3 crossings: 3 are neighbours whose shared door is closed', () => {
    const rng = new Rng(9);
    for (let i = 0; i < 20; i++) {
      const three = sampleFourRoomsEpisodeTask(rng, { doorCrossings: 3 });
      expect(three.path.doors.length).toBe(3);
      expect(three.layout.closedDoor).not.toBeNull();
      expect(FOUR_ROOMS_DOOR_ROOMS[three.layout.closedDoor!]).toContain(three.startRoom);
      expect(FOUR_ROOMS_DOOR_ROOMS[three.layout.closedDoor!]).toContain(three.goalRoom);
      const one = sampleFourRoomsEpisodeTask(rng, { doorCrossings: 1 });
      expect(fourRoomsDoorCount(one.layout, one.startRoom, one.goalRoom)).toBe(1);
      const zero = sampleFourRoomsEpisodeTask(rng, { doorCrossings: 0, budgetFactor: 2 });
      expect(zero.startRoom).toBe(zero.goalRoom);
      expect(zero.budget).toBe(2 * zero.expertSteps);
    }
    expect(() => sampleFourRoomsEpisodeTask(rng, { doorCrossings: 3, closeDoorProb: 0 })).toThrow(/needs a closed door/);
    expect(() => sampleFourRoomsEpisodeTask(rng, { doorCrossings: 4 })).toThrow(/doorCrossings must be an integer in 0..3/);
  });

  it('gives the same task for the same stream', () => {
    const a = sampleFourRoomsEpisodeTask(new Rng(3).derive('episode-5'));
    expect(sampleFourRoomsEpisodeTask(new Rng(3).derive('episode-5'))).toEqual(a);
    expect(sampleFourRoomsEpisodeTask(new Rng(3).derive('episode-6')).start).not.toEqual(a.start);
  });
});
