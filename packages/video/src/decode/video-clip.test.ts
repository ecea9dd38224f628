import { describe, expect, it } from 'vitest';
import { clipFrame, createVideoClip, stackClips } from './video-clip.js';
import { classifyFfmpegStderr, VideoDecodeError } from './video-decode-error.js';

describe('video clips', () => {
  it('views frames and stacks clips into [B, T, H, W, C]', () => {
    const a = createVideoClip(2, 1, 2, 1, Float32Array.from([1, 2, 3, 4]));
    const b = createVideoClip(2, 1, 2, 1, Float32Array.from([5, 6, 7, 8]));
    expect([...clipFrame(a, 1).data]).toEqual([3, 4]);
    const batch = stackClips([a, b]);
    expect(batch.shape).toEqual([2, 2, 1, 2, 1]);
    expect([...batch.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('says what is off', () => {
    expect(() => createVideoClip(2, 2, 2, 3, new Float32Array(5))).toThrow(/data holds 5 values but T x H x W x C = 2 x 2 x 2 x 3 = 24/);
    expect(() => clipFrame(createVideoClip(2, 1, 1, 1), 2)).toThrow(/frame 2 is outside 0..1/);
    expect(() => stackClips([createVideoClip(2, 1, 1, 1), createVideoClip(3, 1, 1, 1)])).toThrow(/clip 1 is \[3, 1, 1, 1\] but clip 0 is \[2, 1, 1, 1\]/);
  });
});

describe('VideoDecodeError', () => {
  it('names the file, the failure, ffmpeg\'s words and a fix', () => {
    const error = new VideoDecodeError('/v/a.mp4', 'corrupt', 'ffmpeg cannot parse it', 'a.mp4: Invalid data found when processing input');
    expect(error.message).toBe(
      '/v/a.mp4: corrupt: ffmpeg cannot parse it\nffmpeg stderr (last lines):\na.mp4: Invalid data found when processing input\n' +
        'Fix: re-encode or remove the file (e.g. `ffmpeg -i in -c:v libx264 -pix_fmt yuv420p out.mp4`), or skip such files with skipCorrupt: true.',
    );
    expect(classifyFfmpegStderr('[mov] moov atom not found')).toBe('truncated');
    expect(classifyFfmpegStderr("Stream map '0:v:0' matches no streams.")).toBe('unsupported');
    expect(classifyFfmpegStderr('x: No such file or directory')).toBe('missing');
    expect(classifyFfmpegStderr('all good')).toBeUndefined();
  });
});
