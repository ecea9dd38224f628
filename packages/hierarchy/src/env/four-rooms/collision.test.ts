import { Rng } from '@jepa/core/random';
import { describe, expect, it } from 'vitest';
import { resolveFourRoomsMove, stepFourRooms } from './collision.js';
import { FOUR_ROOMS_DEFAULT_DOORS, type FourRoomsLayout } from './layout.js';
import { fourRoomsRoomOf, isInFourRoomsInterior } from './rooms.js';
import { FOUR_ROOMS_DOOR_ROOMS, FOUR_ROOMS_DOORS, type FourRoomsDoor, type FourRoomsVector } from './world.js';

// Walls x, y in [31, 33]; the disc keeps its centre out of [29, 35] except in doors: top / bottom at
// y = 16 / 48, left / right at x = 16 / 48, each open on +-4 (+0.5 margin). Borders clamp to [6, 58].
const open: FourRoomsLayout = { closedDoor: null, doors: FOUR_ROOMS_DEFAULT_DOORS };
const closed = (door: FourRoomsDoor): FourRoomsLayout => ({ closedDoor: door, doors: FOUR_ROOMS_DEFAULT_DOORS });
const STOP_LOW = 29 - 1 / 7;
const STOP_HIGH = 35 + 1 / 7;

/** Applies `action` `count` times from `start`. */
function walk(layout: FourRoomsLayout, start: FourRoomsVector, action: FourRoomsVector, count: number): FourRoomsVector {
  let position = start;
  for (let i = 0; i < count; i++) position = stepFourRooms(layout, position, action);
  return position;
}

describe('stepFourRooms: the collision model', () => {
  it('stops at a wall outside the doors and slides along it', () => {
    expect(stepFourRooms(open, [27, 40], [1.75, 0])).toEqual([28.75, 40]); // not touching yet
    expect(stepFourRooms(open, [28.75, 40], [1.75, 0])).toEqual([STOP_LOW, 40]);
    expect(stepFourRooms(open, [28, 40], [1.75, 1.75])).toEqual([STOP_LOW, 41.75]); // slides down
    expect(stepFourRooms(open, [36, 40], [-1.75, 0])).toEqual([STOP_HIGH, 40]);
    // The horizontal wall, from above and below, outside the left / right doors.
    expect(stepFourRooms(open, [40, 28], [0, 1.75])).toEqual([40, STOP_LOW]);
    expect(stepFourRooms(open, [40, 36], [0, -1.75])).toEqual([40, STOP_HIGH]);
    // Walking at the wall for a long time never gets through.
    expect(walk(open, [20, 40], [1.75, 0], 30)).toEqual([STOP_LOW, 40]);
    expect(walk(open, [40, 20], [0, 1.75], 30)).toEqual([40, STOP_LOW]);
  });

  it('lets the agent through an open door, in both walls and both directions', () => {
    expect(walk(open, [26, 48], [1.75, 0], 8)).toEqual([40, 48]); // bottom door, left to right
    expect(fourRoomsRoomOf(open, 40, 48)).toBe('bottomRight');
    expect(walk(open, [40, 16], [-1.75, 0], 8)).toEqual([26, 16]); // top door, right to left
    expect(walk(open, [16, 26], [0, 1.75], 8)).toEqual([16, 40]); // left door, downwards
    expect(walk(open, [48, 40], [0, -1.75], 8)).toEqual([48, 26]); // right door, upwards
    // The door's span includes the 0.5 margin: y = 52.5 passes, y = 52.6 does not.
    expect(stepFourRooms(open, [28, 52.5], [1.75, 0])[0]).toBe(29.75);
    expect(stepFourRooms(open, [28, 52.6], [1.75, 0])[0]).toBe(STOP_LOW);
  });

  it('treats a closed door as wall and keeps the other doors open', () => {
    expect(walk(closed('bottom'), [26, 48], [1.75, 0], 8)).toEqual([STOP_LOW, 48]);
    expect(walk(closed('bottom'), [40, 16], [-1.75, 0], 8)).toEqual([26, 16]);
    expect(walk(closed('top'), [40, 16], [-1.75, 0], 8)).toEqual([STOP_HIGH, 16]);
    expect(walk(closed('left'), [16, 26], [0, 1.75], 8)).toEqual([16, STOP_LOW]);
    expect(walk(closed('right'), [48, 40], [0, -1.75], 8)).toEqual([48, STOP_HIGH]);
    expect(walk(closed('right'), [16, 26], [0, 1.75], 8)).toEqual([16, 40]);
  });

  it('keeps the agent inside the borders by its radius, and clips actions to 1.75 px per coordinate', () => {
    expect(stepFourRooms(open, [7, 20], [-1.75, 0])).toEqual([6, 20]);
    expect(stepFourRooms(open, [20, 7], [0.5, -1.75])).toEqual([20.5, 6]);
    expect(stepFourRooms(open, [57, 57], [1.75, 1.75])).toEqual([58, 58]);
    expect(walk(open, [50, 10], [1.75, -1.75], 20)).toEqual([58, 6]);
    expect(stepFourRooms(open, [10, 20], [100, -100])).toEqual([11.75, 18.25]);
    // resolveFourRoomsMove does not clip: a huge move is clamped to the border, then stopped at the wall it would jump.
    expect(resolveFourRoomsMove(open, [10, 20], [-50, 80])).toEqual([6, STOP_LOW]);
    expect(resolveFourRoomsMove(open, [10, 20], [-50, -80])).toEqual([6, 6]);
  });

  it('never lets random motion into a wall, out of the borders, or between rooms except through an open door', () => {
    const rng = new Rng(5);
    for (const layout of [open, ...FOUR_ROOMS_DOORS.map(closed)]) {
      const passages = new Set<string>();
      for (const door of FOUR_ROOMS_DOORS) {
        if (layout.closedDoor === door) continue;
        const [a, b] = FOUR_ROOMS_DOOR_ROOMS[door];
        passages.add(`${a}>${b}`).add(`${b}>${a}`);
      }
      const crossed = new Set<string>();
      const offences: string[] = [];
      let position: FourRoomsVector = [10, 10];
      for (let t = 0; t < 20_000; t++) {
        const before = fourRoomsRoomOf(layout, position[0], position[1])!;
        position = stepFourRooms(layout, position, [rng.range(-3, 3), rng.range(-3, 3)]);
        const after = fourRoomsRoomOf(layout, position[0], position[1]);
        if (after === null || !isInFourRoomsInterior(position[0], position[1])) offences.push(`in a wall or out at [${position}]`);
        else if (after !== before) {
          if (!passages.has(`${before}>${after}`)) offences.push(`${before} -> ${after} with ${layout.closedDoor} closed`);
          crossed.add(`${before}>${after}`);
        }
      }
      expect(offences).toEqual([]);
      expect(crossed.size).toBeGreaterThan(1);
    }
  });

  it('says what to pass when a position or action is malformed', () => {
    expect(() => stepFourRooms(open, [1, Number.NaN], [0, 0])).toThrow(/position must hold finite numbers/);
    expect(() => stepFourRooms(open, [1, 2], [0] as unknown as [number, number])).toThrow(/action must be \[x, y\]/);
  });
});
