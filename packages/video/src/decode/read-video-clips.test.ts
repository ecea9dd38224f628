import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@jepa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShortVideoError } from './clip-sampler.js';
import { measureDecodeThroughput } from './decode-throughput.js';
import { writePatternVideo } from './pattern-video.js';
import { readVideoClips } from './read-video-clips.js';

const dir = mkdtempSync(join(tmpdir(), 'jepa-read-clips-'));
const long = join(dir, 'long.mkv'); // 30 frames
const short = join(dir, 'short.mkv'); // 5 frames
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await writePatternVideo(long, { frames: 30, width: 24, height: 16, codec: 'ffv1' });
  await writePatternVideo(short, { frames: 5, width: 24, height: 16, codec: 'ffv1' });
});

/** Frame numbers read back from the red channel (8t + 4) of each clip frame. */
const frameNumbers = (data: Float32Array, frames: number, frameSize: number) =>
  Array.from({ length: frames }, (_, t) => Math.round((data[t * frameSize] * 255 - 4) / 8));

describe('readVideoClips', () => {
  it('decodes the frames the sampler picks (frame step, stride)', async () => {
    const result = (await readVideoClips(long, { numFrames: 4, frameStep: 3, spacing: 'stride' }, { placement: 'start' }))!;
    expect(result.indices).toEqual([[0, 3, 6, 9]]);
    expect(frameNumbers(result.clips[0].data, 4, 16 * 24 * 3)).toEqual([0, 3, 6, 9]);
    expect(result.probe.frameCount).toBe(30);
  });

  it('decodes random clips reproducibly, and several clips in one run', async () => {
    const options = { numFrames: 4, frameStep: 2, numClips: 2, size: 8 };
    const a = (await readVideoClips(long, options, { rng: new Rng(3) }))!;
    const b = (await readVideoClips(long, options, { rng: new Rng(3) }))!;
    expect(a.indices).toEqual(b.indices);
    expect(a.clips).toHaveLength(2);
    a.clips.forEach((clip, i) => {
      expect([clip.frames, clip.height, clip.width, clip.channels]).toEqual([4, 8, 8, 3]);
      expect(frameNumbers(clip.data, 4, 8 * 8 * 3)).toEqual(a.indices[i]);
      expect(a.indices[i][0]).toBeGreaterThanOrEqual(15 * i); // clip i comes from segment i
    });
  });

  it('pads a too-short video with its last frame (official), or skips/refuses it on request', async () => {
    // 5 frames, clip spans 4 x 2 = 8: numpy gives [0 4 4 4]
    const padded = (await readVideoClips(short, { numFrames: 4, frameStep: 2 }))!;
    expect(padded.short).toBe(true);
    expect(frameNumbers(padded.clips[0].data, 4, 16 * 24 * 3)).toEqual([0, 4, 4, 4]);
    expect(await readVideoClips(short, { numFrames: 4, frameStep: 2, shortVideo: 'skip' })).toBeNull();
    await expect(readVideoClips(short, { numFrames: 4, frameStep: 2, shortVideo: 'error' })).rejects.toThrow(ShortVideoError);
    await expect(readVideoClips(short, { numFrames: 4, frameStep: 2, shortVideo: 'error' })).rejects.toThrow(/short\.mkv: too short: 5 frame/);
  });

  it('measures decode throughput', async () => {
    const result = await measureDecodeThroughput([long, short], { clip: { numFrames: 4, frameStep: 2, size: 16 }, clips: 4 });
    expect(result.clips).toBe(4);
    expect(result.frames).toBe(16);
    expect(result.frameShape).toBe('16x16x3');
    expect(result.framesPerSecond).toBeGreaterThan(0);
  });
});
