import { Rng, type UniformSource } from '@jepa/core/random';
import { describe, expect, it } from 'vitest';
import { stepWithEvalCollision } from './eval-collision.js';
import type { TwoRoomsLayout } from './layout.js';

// Wall band x in [31, 33], door y in [14, 22].
const layout: TwoRoomsLayout = { wallX: 32, doorY: 18 };

/** A source returning `value` forever, counting its draws. u = 0.5 makes every normal -1.17741 (x 0.5 std); u = 0 makes it 0. */
function constantSource(value: number): UniformSource & { draws: number } {
  return {
    draws: 0,
    uniform() {
      this.draws++;
      return value;
    },
  };
}
const HALF_NOISE = 0.5 * Math.sqrt(2 * Math.log(2)); // |N| of the u = 0.5 source times std 0.5

describe('stepWithEvalCollision (model B: stop at the contact point plus noise)', () => {
  it('stops at the wall face it hits, the noise pushed back to the side it came from', () => {
    const fromLeft = stepWithEvalCollision(layout, [29, 40], [3, 0], constantSource(0.5));
    expect(fromLeft[0]).toBeCloseTo(31 - HALF_NOISE, 12);
    expect(fromLeft[1]).toBeCloseTo(40 - HALF_NOISE, 12);
    const fromRight = stepWithEvalCollision(layout, [35, 40], [-3, 0], constantSource(0.5));
    expect(fromRight[0]).toBeCloseTo(33 + HALF_NOISE, 12);
    // Whatever the noise, the agent stays on its side of the face, within a few noise stds.
    const rng = new Rng(3);
    for (let i = 0; i < 200; i++) {
      const [x, y] = stepWithEvalCollision(layout, [29.5, 8], [2.5, 1], rng);
      expect(x).toBeLessThan(31);
      expect(x).toBeGreaterThan(31 - 3);
      expect(Math.abs(y - 8.6)).toBeLessThan(3);
    }
  });

  it('clamps a contact without noise 0.3 inside the barrier it touches', () => {
    expect(stepWithEvalCollision(layout, [29, 40], [3, 0], constantSource(0))).toEqual([30.7, 40]);
    expect(stepWithEvalCollision(layout, [10, 5], [0, -2], constantSource(0))).toEqual([10, 4.3]);
    expect(stepWithEvalCollision(layout, [58, 30], [3, 0], constantSource(0))).toEqual([59.7, 30]);
  });

  it('takes the contact closer to the start when a move hits a vertical and a horizontal barrier', () => {
    // Crosses x = 60 at y = 59.5 (2.5 px away) before y = 60 at x = 60.67 (3.3 px away).
    expect(stepWithEvalCollision(layout, [58, 58], [4, 3], constantSource(0))).toEqual([59.7, 59.5]);
    // Crosses y = 60 at x = 59.5 (2.5 px away) before x = 60 at y = 60.67.
    expect(stepWithEvalCollision(layout, [58, 58], [3, 4], constantSource(0))).toEqual([59.5, 59.7]);
  });

  it('checks the door-frame edges first and returns that contact unclamped, noise back into the doorway', () => {
    const source = constantSource(0.5);
    const [x, y] = stepWithEvalCollision(layout, [32, 20], [0.5, 4], source);
    expect(x).toBeCloseTo(32.25 - HALF_NOISE, 12);
    expect(y).toBeCloseTo(22 - HALF_NOISE, 12);
    expect(source.draws).toBe(4); // two normals
    const [, yLow] = stepWithEvalCollision(layout, [32, 16], [-0.5, -4], constantSource(0.5));
    expect(yLow).toBeCloseTo(14 + HALF_NOISE, 12);
    // A purely vertical move (dx = 0) is stopped too; the reference's slope made it NaN and let it through.
    expect(stepWithEvalCollision(layout, [32, 20], [0, 4], constantSource(0))).toEqual([32, 22]);
  });

  it('lets a move through the door untouched and draws no noise when nothing is hit', () => {
    const source = constantSource(0.5);
    expect(stepWithEvalCollision(layout, [29, 18], [5, 0], source)).toEqual([34, 18]);
    expect(stepWithEvalCollision(layout, [10, 10], [1, 1], source)).toEqual([11, 11]);
    expect(stepWithEvalCollision(layout, [10, 10], [0, 0], source)).toEqual([10, 10]);
    expect(source.draws).toBe(0);
  });

  it('keeps the reference quirk: barriers are chosen by p1.x against wallX, even in the doorway', () => {
    // In the doorway at x = 31.5 < wallX: its barriers are x = 4 and x = 31 (behind it), none to the right.
    expect(stepWithEvalCollision(layout, [31.5, 18], [30, 0], constantSource(0))).toEqual([61.5, 18]);
    // At x = 32.5 >= wallX the barriers are x = 33 (with the door) and x = 60.
    expect(stepWithEvalCollision(layout, [32.5, 18], [30, 0], constantSource(0))).toEqual([59.7, 18]);
  });

  it('replays exactly from the same seed and refuses a missing rng', () => {
    const run = (seed: number) => {
      const rng = new Rng(seed);
      let position: readonly [number, number] = [29, 40];
      for (let i = 0; i < 5; i++) position = stepWithEvalCollision(layout, position, [2, 0.3], rng);
      return position;
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    expect(() => stepWithEvalCollision(layout, [1, 2], [0, 0], undefined as unknown as UniformSource)).toThrow(/rng must be a UniformSource/);
  });
});
