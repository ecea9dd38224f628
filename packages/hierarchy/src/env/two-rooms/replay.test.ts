import { describe, expect, it } from 'vitest';
import type { TwoRoomsLayout } from './layout.js';
import { replayTwoRooms } from './replay.js';

const layout: TwoRoomsLayout = { wallX: 32, doorY: 18 };
const intoTheWall = [[1.5, 0], [1.5, 0], [1.5, 0], [1.5, 0]];

describe('replayTwoRooms', () => {
  it('replays with the data model (rejected moves stay put) or the eval model (stops at the face)', () => {
    const data = replayTwoRooms({ layout, start: [27, 40], actions: intoTheWall, collision: 'data' });
    expect(Array.from(data)).toEqual([27, 40, 28.5, 40, 30, 40, 30, 40, 30, 40]);
    const evaluation = replayTwoRooms({ layout, start: [27, 40], actions: intoTheWall, collision: 'eval', seed: 4 });
    expect(evaluation.length).toBe(10);
    expect(Array.from(evaluation.subarray(0, 6))).toEqual([27, 40, 28.5, 40, 30, 40]);
    expect(evaluation[6]).toBeGreaterThan(28.5);
    expect(evaluation[6]).toBeLessThan(31); // at the face x = 31, pushed back by |noise|
    expect(evaluation[7]).not.toBe(40); // the contact noise moves y too
  });

  it('is deterministic per seed, and takes flat or paired actions alike', () => {
    const flat = new Float32Array(intoTheWall.flat());
    const a = replayTwoRooms({ layout, start: [27, 40], actions: flat, collision: 'eval', seed: 4 });
    expect(replayTwoRooms({ layout, start: [27, 40], actions: intoTheWall, collision: 'eval', seed: 4 })).toEqual(a);
    expect(replayTwoRooms({ layout, start: [27, 40], actions: flat, collision: 'eval', seed: 5 })).not.toEqual(a);
    expect(replayTwoRooms({ layout, start: [27, 40], actions: [] })).toEqual(new Float64Array([27, 40]));
  });

  it('says what to fix in a malformed request', () => {
    expect(() => replayTwoRooms({ layout, start: [27, 40], actions: [1, 2, 3] })).toThrow(/\[T, 2\] values/);
    expect(() => replayTwoRooms({ layout, start: [27, 40], actions: [[1, 2], [3]] })).toThrow(/actions\[1\] must be \[x, y\]/);
    expect(() => replayTwoRooms({ layout, start: [27, 40], actions: [], collision: 'soft' as 'data' })).toThrow(/collision must be 'data'/);
    expect(() => replayTwoRooms({ layout: { wallX: 50, doorY: 18 }, start: [27, 40], actions: [] })).toThrow(/wallX must be an integer in 20..44/);
  });
});
