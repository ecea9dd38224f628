import { Rng } from '@jepa/core/random';
import { describe, expect, it } from 'vitest';
import { FourRoomsEpisode } from './episode.js';
import { FourRoomsExpert } from './expert.js';
import { fourRoomsDoorCentre } from './layout.js';
import { fourRoomsRoomOf } from './rooms.js';

describe('FourRoomsEpisode', () => {
  it('is reached by the noiseless expert in exactly its expert steps, within the budget', () => {
    const episode = new FourRoomsEpisode({ seed: 1 });
    for (let index = 0; index < 6; index++) {
      episode.reset(index);
      expect(episode.shortestPath.doors.length).toBe(2);
      expect(episode.budget).toBe(Math.round(2.8 * episode.expertSteps));
      const expert = new FourRoomsExpert(episode.layout);
      const rooms = new Set<string>();
      while (!episode.done) {
        const result = episode.step(expert.act(episode.position, episode.goal));
        rooms.add(String(fourRoomsRoomOf(episode.layout, result.position[0], result.position[1])));
      }
      expect(episode.success).toBe(true);
      expect(episode.distanceToGoal).toBeLessThan(4.5);
      expect(episode.stepsTaken).toBe(episode.expertSteps);
      expect(episode.stepsTaken).toBeLessThanOrEqual(episode.budget);
      expect(rooms.size).toBe(3); // two doors: three rooms
      expect(episode.path.length).toBe(2 * (episode.stepsTaken + 1));
      expect(() => episode.step([0, 0])).toThrow(/is done \(it reached its goal\)/);
    }
  });

  it('fails when the budget runs out, and clips actions to 1.75 px per coordinate', () => {
    const episode = new FourRoomsEpisode({ seed: 2 }).reset(0);
    const before = episode.position;
    const moved = episode.step([10, -10]).position;
    expect(Math.abs(moved[0] - before[0])).toBeLessThanOrEqual(1.75);
    expect(Math.abs(moved[1] - before[1])).toBeLessThanOrEqual(1.75);
    while (!episode.done) episode.step([0, 0]);
    expect(episode.success).toBe(false);
    expect(episode.stepsTaken).toBe(episode.budget);
    expect(episode.stepsLeft).toBe(0);
    expect(() => episode.step([0, 0])).toThrow(/spent its budget of \d+ steps/);
  });

  it('replays from seed and index, and renders observation and goal in the same layout', () => {
    const run = (seed: number) => {
      const episode = new FourRoomsEpisode({ seed, imageSize: 32 }).reset(4);
      const rng = new Rng(9);
      while (!episode.done) episode.step([rng.normal(0, 2), rng.normal(0, 2)]);
      return { path: episode.path, goal: episode.goal, layout: episode.layout };
    };
    const first = run(3);
    expect(run(3)).toEqual(first);
    expect(run(4).goal).not.toEqual(first.goal);
    const episode = new FourRoomsEpisode({ seed: 3, imageSize: 32 });
    expect(episode.reset(1).goal).not.toEqual(episode.reset(2).goal);
    // Find an episode with a closed door: the door's pixel is wall in both frames.
    let index = 0;
    while (episode.reset(index).layout.closedDoor === null) index++;
    const frame = episode.observe();
    const goal = episode.goalFrame();
    expect(frame.length).toBe(32 * 32 * 2);
    const [cx, cy] = fourRoomsDoorCentre(episode.layout, episode.layout.closedDoor!);
    const pixel = Math.round(((cy + 0.5) * 32) / 65 - 0.5) * 32 + Math.round(((cx + 0.5) * 32) / 65 - 0.5);
    expect(frame[2 * pixel + 1]).toBeGreaterThan(3);
    for (let p = 0; p < 32 * 32; p++) expect(frame[2 * p + 1]).toBe(goal[2 * p + 1]);
    expect(frame).not.toEqual(goal);
    expect(episode.goalFrame(new Float32Array(32 * 32 * 2))).toEqual(goal);
    expect(() => episode.step([Number.NaN, 0])).toThrow(/action must hold finite numbers/);
    expect(() => new FourRoomsEpisode({ imageSize: 10 })).toThrow(/imageSize must be an integer in 16..1024/);
  });
});
