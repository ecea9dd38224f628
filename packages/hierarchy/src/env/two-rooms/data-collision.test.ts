import { describe, expect, it } from 'vitest';
import { isMoveRejectedByDataCollision, stepWithDataCollision } from './data-collision.js';
import type { TwoRoomsLayout } from './layout.js';

// Wall band x in [31, 33], door y in [14, 22].
const layout: TwoRoomsLayout = { wallX: 32, doorY: 18 };

describe('stepWithDataCollision (model A: reject the move, stay put)', () => {
  it('rejects a move into the wall outside the door, and one that jumps over it', () => {
    expect(stepWithDataCollision(layout, [29, 40], [3, 0])).toEqual([29, 40]);
    expect(stepWithDataCollision(layout, [30, 40], [4, 0])).toEqual([30, 40]);
    expect(stepWithDataCollision(layout, [35, 8], [-2.5, 0.5])).toEqual([35, 8]);
    // Next to the wall but not into it: taken.
    expect(stepWithDataCollision(layout, [29, 40], [1.5, 0])).toEqual([30.5, 40]);
  });

  it('lets moves pass through the door, step by step or jumping over the band', () => {
    let position = stepWithDataCollision(layout, [29, 18], [1.5, 0]);
    expect(position).toEqual([30.5, 18]);
    position = stepWithDataCollision(layout, position, [1.5, 0.5]); // enters the doorway
    expect(position).toEqual([32, 18.5]);
    position = stepWithDataCollision(layout, position, [1.5, -0.5]); // leaves it on the right
    expect(position).toEqual([33.5, 18]);
    expect(stepWithDataCollision(layout, [30, 18], [4, 0])).toEqual([34, 18]);
    expect(stepWithDataCollision(layout, [34, 15], [-4, 0])).toEqual([30, 15]);
  });

  it('rejects a move that crosses a face outside the door even when the other face is inside', () => {
    // Crosses x = 31 at y = 21.5 (door) but x = 33 at y = 22.5 (wall).
    expect(isMoveRejectedByDataCollision(layout, [30, 21], [34, 23])).toBe(true);
  });

  it('rejects leaving the doorway across a door-frame edge, in the direction the reference checks', () => {
    // Inside the doorway, moving towards larger y across y = 22 between the faces.
    expect(stepWithDataCollision(layout, [32, 21], [0.5, 2])).toEqual([32, 21]);
    // Towards smaller y across y = 14, also purely vertically (dx = 0).
    expect(stepWithDataCollision(layout, [32, 15], [0, -2])).toEqual([32, 15]);
    // Moving within the doorway is fine.
    expect(stepWithDataCollision(layout, [32, 15], [0.5, 6])).toEqual([32.5, 21]);
  });

  it('rejects crossing or landing on a border line, on both axes', () => {
    expect(stepWithDataCollision(layout, [5, 30], [-1.5, 0])).toEqual([5, 30]);
    expect(stepWithDataCollision(layout, [5, 30], [-1, 0])).toEqual([5, 30]); // lands on x = 4
    expect(stepWithDataCollision(layout, [50, 59], [0.5, 1.2])).toEqual([50, 59]);
    expect(stepWithDataCollision(layout, [50, 5], [0.5, -1.2])).toEqual([50, 5]);
    expect(stepWithDataCollision(layout, [59, 59.5], [0.5, 0.3])).toEqual([59.5, 59.8]);
  });

  it('says what to pass when a position or action is malformed', () => {
    expect(() => stepWithDataCollision(layout, [1, Number.NaN], [0, 0])).toThrow(/position must hold finite numbers/);
    expect(() => stepWithDataCollision(layout, [1, 2], [0] as unknown as [number, number])).toThrow(/action must be \[x, y\]/);
  });
});
