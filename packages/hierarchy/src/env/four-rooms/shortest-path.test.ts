import { describe, expect, it } from 'vitest';
import { FOUR_ROOMS_DEFAULT_DOORS, type FourRoomsLayout } from './layout.js';
import { fourRoomsDoorCount, fourRoomsShortestPath } from './shortest-path.js';
import type { FourRoomsDoor } from './world.js';

const layout = (closedDoor: FourRoomsDoor | null): FourRoomsLayout => ({ closedDoor, doors: FOUR_ROOMS_DEFAULT_DOORS });
const d = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!);

describe('fourRoomsShortestPath', () => {
  it('goes straight within a room', () => {
    const path = fourRoomsShortestPath(layout(null), [10, 10], [20, 25]);
    expect(path.doors).toEqual([]);
    expect(path.length).toBeCloseTo(d([10, 10], [20, 25]), 12);
    expect(path.waypoints).toEqual([[10, 10], [20, 25]]);
  });

  it('goes through the shared door of neighbours, or round the ring when it is closed', () => {
    const direct = fourRoomsShortestPath(layout(null), [10, 10], [50, 10]);
    expect(direct.doors).toEqual(['top']);
    expect(direct.length).toBeCloseTo(d([10, 10], [32, 16]) + d([32, 16], [50, 10]), 12);
    const around = fourRoomsShortestPath(layout('top'), [10, 10], [50, 10]);
    expect(around.doors).toEqual(['left', 'bottom', 'right']);
    expect(around.waypoints).toEqual([[10, 10], [16, 32], [32, 48], [48, 32], [50, 10]]);
    expect(around.length).toBeCloseTo(d([10, 10], [16, 32]) + 2 * d([16, 32], [32, 48]) + d([48, 32], [50, 10]), 12);
  });

  it('takes the shorter of the two 2-door routes between diagonal rooms, and the other one when a door is closed', () => {
    expect(fourRoomsShortestPath(layout(null), [28, 10], [50, 40]).doors).toEqual(['top', 'right']);
    expect(fourRoomsShortestPath(layout(null), [10, 28], [40, 50]).doors).toEqual(['left', 'bottom']);
    expect(fourRoomsShortestPath(layout('top'), [28, 10], [50, 40]).doors).toEqual(['left', 'bottom']);
    expect(fourRoomsShortestPath(layout('bottom'), [10, 28], [40, 50]).doors).toEqual(['top', 'right']);
  });

  it('has no route from or to a point inside a wall', () => {
    expect(fourRoomsShortestPath(layout(null), [31, 40], [10, 10])).toEqual({ length: Infinity, doors: [], waypoints: [[31, 40]] });
    expect(fourRoomsShortestPath(layout(null), [10, 10], [40, 32]).length).toBe(Infinity);
  });
});

describe('fourRoomsDoorCount', () => {
  it('counts 0 in a room, 1 to a neighbour through an open door, 2 to the diagonal room, 3 round a closed door', () => {
    const open = layout(null);
    expect(fourRoomsDoorCount(open, 'topLeft', 'topLeft')).toBe(0);
    expect(fourRoomsDoorCount(open, 'topLeft', 'topRight')).toBe(1);
    expect(fourRoomsDoorCount(open, 'topLeft', 'bottomLeft')).toBe(1);
    expect(fourRoomsDoorCount(open, 'topLeft', 'bottomRight')).toBe(2);
    expect(fourRoomsDoorCount(open, 'topRight', 'bottomLeft')).toBe(2);
    const closed = layout('right');
    expect(fourRoomsDoorCount(closed, 'topRight', 'bottomRight')).toBe(3);
    expect(fourRoomsDoorCount(closed, 'bottomRight', 'topRight')).toBe(3);
    expect(fourRoomsDoorCount(closed, 'topLeft', 'bottomRight')).toBe(2);
    expect(fourRoomsDoorCount(closed, 'topLeft', 'topRight')).toBe(1);
  });
});
