import { Rng } from '@jepa/core/random';
import { describe, expect, it } from 'vitest';
import { isInsideTwoRoomsWall, type TwoRoomsLayout } from './layout.js';
import { sampleTwoRoomsStart } from './start-state.js';

describe('sampleTwoRoomsStart', () => {
  it('is uniform on [4, 60)^2 outside the solid wall, redrawing x of a start inside it', () => {
    const layout: TwoRoomsLayout = { wallX: 24, doorY: 40 };
    const rng = new Rng(2);
    let left = 0;
    let inWall = 0;
    let outside = 0;
    let inDoorway = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const [x, y] = sampleTwoRoomsStart(rng, layout);
      if (!(x >= 4 && x < 60 && y >= 4 && y < 60)) outside++;
      if (isInsideTwoRoomsWall(layout, x, y)) inWall++;
      if (x >= 23 && x <= 25) inDoorway++;
      if (x < 23) left++;
    }
    expect(outside).toBe(0);
    expect(inWall).toBe(0);
    expect(inDoorway).toBeGreaterThan(0); // the doorway itself is allowed
    // The left room is x in [4, 23): 19/56 of the width, plus half of the redrawn wall starts.
    const expectedLeft = 19 / 56 + 0.5 * (2 / 56) * (47 / 56);
    expect(Math.abs(left / n - expectedLeft)).toBeLessThan(0.012);
  });
});
