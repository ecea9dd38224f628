import { Rng } from '@jepa/core/random';
import { describe, expect, it } from 'vitest';
import {
  FOUR_ROOMS_DEFAULT_DOORS,
  checkFourRoomsLayout,
  fourRoomsDoorCentre,
  fourRoomsLayoutCode,
  fourRoomsLayoutFromCode,
  sampleFourRoomsLayout,
  type FourRoomsLayout,
} from './layout.js';
import { fourRoomsRoomOf } from './rooms.js';
import { FOUR_ROOMS_DOORS } from './world.js';

const open: FourRoomsLayout = { closedDoor: null, doors: FOUR_ROOMS_DEFAULT_DOORS };

describe('Four Rooms layouts', () => {
  it('closes one door, uniformly, with probability closeDoorProb', () => {
    const rng = new Rng(2);
    const counts = new Map<string, number>();
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const key = String(sampleFourRoomsLayout(rng).closedDoor);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(Math.abs(counts.get('null')! / n - 0.5)).toBeLessThan(0.03);
    for (const door of FOUR_ROOMS_DOORS) expect(Math.abs(counts.get(door)! / n - 0.125)).toBeLessThan(0.02);
    for (let i = 0; i < 50; i++) {
      expect(sampleFourRoomsLayout(rng, 0).closedDoor).toBeNull();
      expect(sampleFourRoomsLayout(rng, 1).closedDoor).not.toBeNull();
    }
    expect(() => sampleFourRoomsLayout(rng, 1.5)).toThrow(/closeDoorProb must be a probability/);
  });

  it('puts the reference doors at 16 and 48 on the walls through 32, and codes layouts as -1..3', () => {
    expect(fourRoomsDoorCentre(open, 'top')).toEqual([32, 16]);
    expect(fourRoomsDoorCentre(open, 'bottom')).toEqual([32, 48]);
    expect(fourRoomsDoorCentre(open, 'left')).toEqual([16, 32]);
    expect(fourRoomsDoorCentre(open, 'right')).toEqual([48, 32]);
    expect(fourRoomsLayoutCode(open)).toBe(-1);
    for (let code = -1; code <= 3; code++) expect(fourRoomsLayoutCode(fourRoomsLayoutFromCode(code))).toBe(code);
    expect(fourRoomsLayoutFromCode(1).closedDoor).toBe('bottom');
    expect(() => fourRoomsLayoutFromCode(4)).toThrow(/integer in -1..3/);
    expect(() => fourRoomsLayoutCode({ closedDoor: 'middle' as 'top', doors: FOUR_ROOMS_DEFAULT_DOORS })).toThrow(/closedDoor must be null or one of/);
  });

  it('checks layouts and says what to fix', () => {
    expect(() => checkFourRoomsLayout(open, 'test')).not.toThrow();
    expect(() => checkFourRoomsLayout({ closedDoor: 'up' as 'top', doors: FOUR_ROOMS_DEFAULT_DOORS }, 'test')).toThrow(/closedDoor must be null or one of top, bottom, left, right; got up/);
    expect(() => checkFourRoomsLayout({ closedDoor: null, doors: { ...FOUR_ROOMS_DEFAULT_DOORS, halfSize: 2 } }, 'test')).toThrow(/halfSize must be a finite number >= 2.2/);
    const tooClose = { ...FOUR_ROOMS_DEFAULT_DOORS.positions, top: 27 };
    expect(() => checkFourRoomsLayout({ closedDoor: null, doors: { positions: tooClose, halfSize: 4 } }, 'test')).toThrow(/doors.positions.top must lie in \[10.5, 24.5\]/);
    expect(() => checkFourRoomsLayout(undefined as unknown as FourRoomsLayout, 'test')).toThrow(/layout must be an object/);
  });

  it('names the room of a position, null inside a wall, doorways by their side of the wall centre', () => {
    expect(fourRoomsRoomOf(open, 10, 10)).toBe('topLeft');
    expect(fourRoomsRoomOf(open, 50, 10)).toBe('topRight');
    expect(fourRoomsRoomOf(open, 10, 50)).toBe('bottomLeft');
    expect(fourRoomsRoomOf(open, 50, 50)).toBe('bottomRight');
    expect(fourRoomsRoomOf(open, 30, 40)).toBeNull(); // the disc touches the vertical wall
    expect(fourRoomsRoomOf(open, 40, 34)).toBeNull(); // ... the horizontal wall
    expect(fourRoomsRoomOf(open, 31, 16)).toBe('topLeft'); // in the top doorway
    expect(fourRoomsRoomOf(open, 32, 16)).toBe('topRight');
    expect(fourRoomsRoomOf(open, 16, 33)).toBe('bottomLeft'); // in the left doorway
    expect(fourRoomsRoomOf({ closedDoor: 'top', doors: FOUR_ROOMS_DEFAULT_DOORS }, 32, 16)).toBeNull();
  });
});
