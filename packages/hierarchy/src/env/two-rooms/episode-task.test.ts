import { Rng } from '@jepa/core/random';
import { describe, expect, it } from 'vitest';
import { sampleTwoRoomsEpisodeTask } from './episode-task.js';
import { twoRoomsSide } from './layout.js';

describe('sampleTwoRoomsEpisodeTask', () => {
  it('puts start and goal in different rooms, 2.6 px from the wall and 6.6 px from the image edge, swapped half the time', () => {
    const rng = new Rng(6);
    let startLeft = 0;
    let violations = 0;
    const n = 2000;
    for (let i = 0; i < n; i++) {
      const { layout, start, goal } = sampleTwoRoomsEpisodeTask(rng);
      const startSide = twoRoomsSide(layout, start[0]);
      const goalSide = twoRoomsSide(layout, goal[0]);
      if (startSide === 'wall' || goalSide === 'wall' || startSide === goalSide) violations++;
      for (const [x, y] of [start, goal]) {
        if (x < 6.6 || x > 57.4 || y < 6.6 || y > 57.4) violations++;
        if (Math.abs(x - layout.wallX) < 1 + 2.6) violations++;
      }
      if (startSide === 'left') startLeft++;
    }
    expect(violations).toBe(0);
    expect(Math.abs(startLeft / n - 0.5)).toBeLessThan(0.04);
  });
});
