import { Rng } from '@jepa/core/random';
import { describe, expect, it } from 'vitest';
import { TwoRoomsEpisode } from './episode.js';
import { twoRoomsSide } from './layout.js';
import type { TwoRoomsVector } from './world.js';

/** A hand-written policy: to the door on the agent's side, through it, then to the goal; steps of at most 2.45 px. */
function towardsGoal(episode: TwoRoomsEpisode): TwoRoomsVector {
  const { layout, position, goal } = episode;
  const [x, y] = position;
  const goalSide = twoRoomsSide(layout, goal[0]);
  const side = twoRoomsSide(layout, x);
  let target: TwoRoomsVector = goal;
  if (side !== goalSide) {
    const entry = goalSide === 'right' ? layout.wallX - 3 : layout.wallX + 3;
    const exit = goalSide === 'right' ? layout.wallX + 3 : layout.wallX - 3;
    target = Math.abs(y - layout.doorY) > 1 && side !== 'wall' ? [entry, layout.doorY] : [exit, layout.doorY];
  }
  const dx = target[0] - x;
  const dy = target[1] - y;
  const scale = Math.min(1, 2.45 / Math.max(1e-9, Math.hypot(dx, dy)));
  return [dx * scale, dy * scale];
}

describe('TwoRoomsEpisode', () => {
  it('starts in the room opposite the goal, after one zero-action step, and renders both frames', () => {
    const episode = new TwoRoomsEpisode({ seed: 1, imageSize: 32 });
    for (let index = 0; index < 20; index++) {
      episode.reset(index);
      expect(twoRoomsSide(episode.layout, episode.start[0])).not.toBe(twoRoomsSide(episode.layout, episode.goal[0]));
      expect(episode.position).toEqual(episode.start); // the zero-action step moves nothing away from barriers
      expect(episode.stepsTaken).toBe(0);
      expect(episode.path.length).toBe(2);
    }
    const frame = episode.observe();
    const goal = episode.goalFrame();
    expect(frame.length).toBe(32 * 32 * 2);
    let frameWallDifferences = 0;
    for (let p = 0; p < 32 * 32; p++) if (frame[2 * p + 1] !== goal[2 * p + 1]) frameWallDifferences++;
    expect(frameWallDifferences).toBe(0); // same layout
    expect(frame).not.toEqual(goal);
    expect(episode.goalFrame(new Float32Array(32 * 32 * 2))).toEqual(goal);
  });

  it('reaches the goal through the door with a simple policy, and succeeds only on the final distance', () => {
    const episode = new TwoRoomsEpisode({ seed: 2 });
    for (let index = 0; index < 5; index++) {
      episode.reset(index);
      let crossed = false;
      while (!episode.done) {
        const result = episode.step(towardsGoal(episode));
        if (twoRoomsSide(episode.layout, result.position[0]) === twoRoomsSide(episode.layout, episode.goal[0])) crossed = true;
      }
      expect(crossed).toBe(true);
      expect(episode.stepsTaken).toBe(200);
      expect(episode.path.length).toBe(201 * 2);
      expect(episode.success).toBe(true);
      expect(episode.distanceToGoal).toBeLessThan(4.5);
      expect(() => episode.step([0, 0])).toThrow(/is done after 200 planned steps/);
    }
    // Doing nothing fails: start and goal are in different rooms.
    const idle = new TwoRoomsEpisode({ seed: 2, plannedSteps: 3 }).reset(0);
    for (let i = 0; i < 3; i++) idle.step([0, 0]);
    expect(idle.done).toBe(true);
    expect(idle.success).toBe(false);
  });

  it('replays exactly from seed and index, contact noise included', () => {
    const run = (seed: number) => {
      const episode = new TwoRoomsEpisode({ seed }).reset(4);
      const rng = new Rng(9); // a wild policy that keeps hitting walls
      while (!episode.done) episode.step([rng.normal(0, 3), rng.normal(0, 3)]);
      return { path: episode.path, goal: episode.goal };
    };
    const first = run(3);
    expect(run(3)).toEqual(first);
    expect(run(4).goal).not.toEqual(first.goal);
    const episode = new TwoRoomsEpisode({ seed: 3 });
    expect(episode.reset(1).goal).not.toEqual(episode.reset(2).goal);
    expect(() => episode.step([Number.NaN, 0])).toThrow(/action must hold finite numbers/);
    expect(() => new TwoRoomsEpisode({ imageSize: 10 })).toThrow(/imageSize must be an integer in 16..1024/);
  });
});
