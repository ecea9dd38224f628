import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrames } from './ffmpeg-adapter.js';
import { resolveFfmpegPath } from './ffmpeg-path.js';
import { patternByte, writePatternVideo } from './pattern-video.js';

// On a loaded machine ffmpeg's exit can be seen after its stdout closed; fluent-ffmpeg then reports
// 'Output stream closed' and SIGTERMs it. This wrapper makes that order certain: it runs the real
// ffmpeg, closes stdout, and exits 300 ms later.
const dir = mkdtempSync(join(tmpdir(), 'jepa-late-exit-'));
const video = join(dir, 'pattern.mkv');
const wrapper = join(dir, 'slow-exit-ffmpeg');
const saved = process.env.FFMPEG_PATH;

beforeAll(async () => {
  await writePatternVideo(video, { frames: 6, width: 16, height: 8, codec: 'ffv1' });
  process.env.REAL_FFMPEG = resolveFfmpegPath().path;
  writeFileSync(wrapper, '#!/bin/sh\n"$REAL_FFMPEG" "$@"\ncode=$?\nexec 1>&-\nsleep 0.3\nexit $code\n');
  chmodSync(wrapper, 0o755);
  process.env.FFMPEG_PATH = wrapper;
  expect(resolveFfmpegPath({ fresh: true }).path).toBe(wrapper);
});
afterAll(() => {
  if (saved === undefined) delete process.env.FFMPEG_PATH;
  else process.env.FFMPEG_PATH = saved;
  resolveFfmpegPath({ fresh: true });
  rmSync(dir, { recursive: true, force: true });
});

describe('decodeFrames when ffmpeg exits after its output closed', () => {
  it('keeps the frames ffmpeg wrote instead of failing with "Output stream closed"', async () => {
    const { clip } = await decodeFrames(video, { selection: { kind: 'indices', indices: [1, 4] } });
    expect([clip.frames, clip.height, clip.width, clip.channels]).toEqual([2, 8, 16, 3]);
    [1, 4].forEach((t, i) => {
      for (const [x, y, c] of [[0, 0, 0], [5, 3, 1], [15, 7, 2]] as const) {
        expect(Math.round(clip.data[((i * 8 + y) * 16 + x) * 3 + c]! * 255)).toBe(patternByte(t, x, y, c, 16, 8));
      }
    });
  });
});
