import { Rng } from '@jepa/core';
import { describe, expect, it } from 'vitest';
import { resolveFrameStep, sampleClipIndices, ShortVideoError } from './clip-sampler.js';

describe('sampleClipIndices', () => {
  it('spaces frames as the official np.linspace + truncation (16 frames, step 4)', () => {
    // numpy: np.clip(np.linspace(0, 64, 16), 0, 63).astype(np.int64)
    const plan = sampleClipIndices(200, { numFrames: 16, frameStep: 4 }, { placement: 'start' })!;
    expect(plan.clips).toEqual([[0, 4, 8, 12, 17, 21, 25, 29, 34, 38, 42, 46, 51, 55, 59, 63]]);
    expect(plan).toMatchObject({ frameStep: 4, clipLength: 64, short: false });
  });

  it('offers an exact stride instead', () => {
    const plan = sampleClipIndices(200, { numFrames: 4, frameStep: 5, spacing: 'stride' }, { placement: 'start' })!;
    expect(plan.clips).toEqual([[0, 5, 10, 15]]);
  });

  it('draws random starts as np.random.randint(clip_len, partition_len) does, reproducibly', () => {
    const options = { numFrames: 8, frameStep: 3 };
    const starts = new Set<number>();
    const rng = new Rng(7);
    for (let i = 0; i < 400; i++) {
      const [clip] = sampleClipIndices(40, options, { rng })!.clips;
      // window of 24 frames ending at end in [24, 40): start in [0, 15]
      expect(clip[0]).toBeGreaterThanOrEqual(0);
      expect(clip[0]).toBeLessThanOrEqual(15);
      expect(clip[7]).toBeLessThanOrEqual(clip[0] + 23);
      starts.add(clip[0]);
    }
    expect(starts.size).toBe(16);
    const again = sampleClipIndices(40, options, { rng: new Rng(7) })!.clips;
    expect(again).toEqual(sampleClipIndices(40, options, { rng: new Rng(7) })!.clips);
    // centred: 98 frames leave 74 spare, start 37; numpy: np.clip(np.linspace(37, 61, 8), 37, 60).astype(np.int64)
    expect(sampleClipIndices(98, options, { placement: 'center' })!.clips).toEqual([[37, 40, 43, 47, 50, 54, 57, 60]]);
  });

  it('pads a short video by repeating its last frame, as the official loader', () => {
    // 10 frames, clip spans 8 x 2 = 16: numpy gives [0 2 5 7 9 9 9 9]
    const plan = sampleClipIndices(10, { numFrames: 8, frameStep: 2 }, { rng: new Rng(1) })!;
    expect(plan.clips).toEqual([[0, 2, 5, 7, 9, 9, 9, 9]]);
    expect(plan.short).toBe(true);
    expect(sampleClipIndices(3, { numFrames: 4, frameStep: 4 })!.clips).toEqual([[2, 2, 2, 2]]);
  });

  it('skips or refuses short videos on request, naming the file', () => {
    expect(sampleClipIndices(10, { numFrames: 8, frameStep: 2, shortVideo: 'skip' })).toBeNull();
    expect(() => sampleClipIndices(10, { numFrames: 8, frameStep: 2, shortVideo: 'error' }, { path: '/data/a.mp4' })).toThrow(ShortVideoError);
    expect(() => sampleClipIndices(10, { numFrames: 8, frameStep: 2, shortVideo: 'error' }, { path: '/data/a.mp4' })).toThrow(
      /\/data\/a\.mp4: too short: 10 frame\(s\), but a clip spans 16.*shortVideo: 'pad'/,
    );
    // exactly one window is not short (the official test is len < clip_len)
    expect(sampleClipIndices(16, { numFrames: 8, frameStep: 2, shortVideo: 'error' })!.short).toBe(false);
    expect(() => sampleClipIndices(0, { numFrames: 8 })).toThrow(ShortVideoError);
  });

  it('cuts numClips clips from equal segments', () => {
    const plan = sampleClipIndices(100, { numFrames: 4, frameStep: 2, numClips: 2, spacing: 'stride' }, { placement: 'start' })!;
    expect(plan.clips).toEqual([
      [0, 2, 4, 6],
      [50, 52, 54, 56],
    ]);
  });

  it('derives the step from targetFps or the official duration', () => {
    expect(resolveFrameStep({ numFrames: 16, targetFps: 7.5 }, 30)).toBe(4);
    expect(resolveFrameStep({ numFrames: 16, durationSeconds: 2 }, 30)).toBe(3); // int(2 * 30 / 16)
    expect(resolveFrameStep({ numFrames: 16 }, Number.NaN)).toBe(4);
    expect(() => resolveFrameStep({ numFrames: 16, targetFps: 5 }, Number.NaN, 'x.mp4')).toThrow(/x\.mp4: its frame rate is unknown/);
  });

  it('checks its options, saying which one is off', () => {
    expect(() => sampleClipIndices(10, { numFrames: 0 })).toThrow(/numFrames must be a positive integer, got 0/);
    expect(() => sampleClipIndices(10, { numFrames: 2, frameStep: 2, targetFps: 3 })).toThrow(/at most one of frameStep, targetFps and durationSeconds/);
    expect(() => sampleClipIndices(10, { numFrames: 2 }, { placement: 'random' })).toThrow(/needs an rng/);
  });
});
