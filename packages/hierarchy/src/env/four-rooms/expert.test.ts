import { Rng } from '@jepa/core/random';
import { describe, expect, it } from 'vitest';
import { stepFourRooms } from './collision.js';
import { FourRoomsExpert, fourRoomsExpertSteps, fourRoomsExpertWaypoint, fourRoomsPassagePoint } from './expert.js';
import { FOUR_ROOMS_DEFAULT_DOORS, type FourRoomsLayout } from './layout.js';
import { sampleFourRoomsPositionInRoom } from './positions.js';
import { fourRoomsRoomOf } from './rooms.js';
import { fourRoomsShortestPath } from './shortest-path.js';
import { FOUR_ROOMS_DOORS, FOUR_ROOMS_ROOMS, type FourRoomsDoor, type FourRoomsVector } from './world.js';

const layout = (closedDoor: FourRoomsDoor | null): FourRoomsLayout => ({ closedDoor, doors: FOUR_ROOMS_DEFAULT_DOORS });

describe('the door-waypoint expert', () => {
  it('aims at the point just through the next door, then at the goal', () => {
    const open = layout(null);
    expect(fourRoomsPassagePoint(open, 'top', 'topLeft')).toEqual([36, 16]);
    expect(fourRoomsPassagePoint(open, 'top', 'topRight')).toEqual([28, 16]);
    expect(fourRoomsPassagePoint(open, 'right', 'bottomRight')).toEqual([48, 28]);
    expect(fourRoomsPassagePoint(open, 'left', 'topLeft')).toEqual([16, 36]);
    expect(fourRoomsPassagePoint(open, 'left', 'topRight')).toEqual([16, 32]); // not its door: the centre
    expect(fourRoomsExpertWaypoint(open, [10, 10], [50, 10])).toEqual([36, 16]);
    expect(fourRoomsExpertWaypoint(open, [34, 16.5], [50, 10])).toEqual([50, 10]); // through: the goal
    expect(fourRoomsExpertWaypoint(open, [10, 10], [50, 50])).toEqual(fourRoomsShortestPath(open, [10, 10], [50, 50]).doors[0] === 'top' ? [36, 16] : [16, 36]);
    expect(fourRoomsExpertWaypoint(layout('top'), [10, 10], [50, 10])).toEqual([16, 36]); // round the closed door
    expect(fourRoomsExpertWaypoint(open, [20, 20], [10, 12])).toEqual([10, 12]);
  });

  it('noiseless, reaches every room from every room in every layout, no slower than 1.3x its shortest route', () => {
    const rng = new Rng(4);
    for (const closedDoor of [null, ...FOUR_ROOMS_DOORS]) {
      const l = layout(closedDoor);
      for (const from of FOUR_ROOMS_ROOMS) {
        for (const to of FOUR_ROOMS_ROOMS) {
          const start = sampleFourRoomsPositionInRoom(rng, from);
          const goal = sampleFourRoomsPositionInRoom(rng, to);
          const steps = fourRoomsExpertSteps(l, start, goal, { maxSteps: 200 });
          const route = fourRoomsShortestPath(l, start, goal).length;
          expect(Number.isFinite(steps), `${from} -> ${to}, ${closedDoor} closed`).toBe(true);
          expect(steps).toBeGreaterThanOrEqual(Math.floor((Math.hypot(goal[0] - start[0], goal[1] - start[1]) - 4.5) / 1.75));
          expect(steps * 1.75).toBeLessThan(1.3 * route + 4);
        }
      }
    }
    expect(fourRoomsExpertSteps(layout(null), [10, 10], [12, 12])).toBe(0);
  });

  it('moves 1.75 px a step towards its waypoint and stays out of the walls', () => {
    const l = layout('left');
    const expert = new FourRoomsExpert(l);
    let position: FourRoomsVector = [10, 20];
    const goal: FourRoomsVector = [12, 50];
    for (let t = 0; t < 60 && Math.hypot(position[0] - goal[0], position[1] - goal[1]) >= 4.5; t++) {
      const action = expert.act(position, goal);
      expect(Math.hypot(action[0], action[1])).toBeCloseTo(1.75, 12);
      position = stepFourRooms(l, position, action);
      expect(fourRoomsRoomOf(l, position[0], position[1])).not.toBeNull();
    }
    expect(Math.hypot(position[0] - goal[0], position[1] - goal[1])).toBeLessThan(4.5);
  });

  it('adds seeded noise and repeats, clipped to 1.75 px per coordinate', () => {
    const l = layout(null);
    const run = (seed: number, repeatProb: number) => {
      const expert = new FourRoomsExpert(l, { actionNoise: 1, repeatProb }, new Rng(seed));
      const actions: number[] = [];
      let position: FourRoomsVector = [10, 10];
      for (let t = 0; t < 40; t++) {
        const action = expert.act(position, [50, 50]);
        actions.push(...action);
        position = stepFourRooms(l, position, action);
      }
      return actions;
    };
    const a = run(1, 0.05);
    expect(run(1, 0.05)).toEqual(a);
    expect(run(2, 0.05)).not.toEqual(a);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(1.75);
    expect(a.some((v) => Math.abs(v) === 1.75)).toBe(true); // noise 1.0 often saturates
    const repeated = run(3, 1);
    for (let i = 2; i < repeated.length; i++) expect(repeated[i]).toBe(repeated[i % 2]);
    expect(() => new FourRoomsExpert(l, { actionNoise: 0.5 })).toThrow(/an rng .* is required/);
    expect(() => new FourRoomsExpert(l, { repeatProb: 2 }, new Rng(0))).toThrow(/repeatProb must be a probability/);
  });
});
