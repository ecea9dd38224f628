import { existsSync, readFileSync, readdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFrames, encodeVideo, listVideoEncoders, probeVideo, selectExpression } from './ffmpeg-adapter.js';
import { patternByte, writePatternVideo } from './pattern-video.js';
import { VideoDecodeError } from './video-decode-error.js';

const dir = mkdtempSync(join(tmpdir(), 'jepa-ffmpeg-adapter-'));
const lossless = join(dir, 'pattern.mkv'); // 12 frames, 40x30, ffv1
const h264 = join(dir, 'levels.mp4'); // 10 grey frames of level 20 + 20k, libx264 or mpeg4
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  await writePatternVideo(lossless, { frames: 12, width: 40, height: 30, fps: 10, codec: 'ffv1' });
  const levels = Array.from({ length: 10 }, (_, k) => new Uint8Array(32 * 24).fill(20 + 20 * k));
  await encodeVideo(h264, levels, { width: 32, height: 24, pixelFormat: 'gray', fps: 10 });
});

/** The red byte of frame `t` (it encodes the frame number: 8t + 4). */
const red = (data: Float32Array, t: number, frameSize: number) => Math.round(data[t * frameSize] * 255);

const hasProcChildren = existsSync(`/proc/${process.pid}/task`);

/** Pids of live ffmpeg processes started by this test process (Linux /proc; [] elsewhere). */
function ffmpegChildren(): number[] {
  const pids: number[] = [];
  if (!hasProcChildren) return pids;
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    let children = '';
    try {
      children = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const pid of children.split(/\s+/).filter(Boolean).map(Number)) {
      try {
        if (/ffmpeg/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))) pids.push(pid);
      } catch {
        // exited meanwhile
      }
    }
  }
  return pids;
}

describe('probeVideo', () => {
  it('reports size, frame rate, exact frame count and codec', async () => {
    const probe = await probeVideo(lossless);
    expect(probe).toMatchObject({ path: lossless, width: 40, height: 30, fps: 10, frameCount: 12, frameCountExact: true, codec: 'ffv1', rotation: 0 });
    expect(probe.durationSeconds).toBeCloseTo(1.2, 1);
    const estimate = await probeVideo(h264, { countFrames: false });
    expect(estimate).toMatchObject({ width: 32, height: 24, frameCount: 10, frameCountExact: false });
  });
});

describe('decodeFrames', () => {
  it('decodes every frame of a lossless video exactly (rgb24 through a pipe)', async () => {
    const { clip } = await decodeFrames(lossless);
    expect([clip.frames, clip.height, clip.width, clip.channels]).toEqual([12, 30, 40, 3]);
    let worst = 0;
    for (let t = 0; t < 12; t++) {
      for (let y = 0; y < 30; y++) {
        for (let x = 0; x < 40; x++) {
          for (let c = 0; c < 3; c++) {
            const got = clip.data[((t * 30 + y) * 40 + x) * 3 + c] * 255;
            worst = Math.max(worst, Math.abs(got - patternByte(t, x, y, c, 40, 30)));
          }
        }
      }
    }
    expect(worst).toBeLessThan(1e-3);
  });

  it('selects frames by index list, in the order given and with repeats', async () => {
    const { clip, indices } = await decodeFrames(lossless, { selection: { kind: 'indices', indices: [7, 2, 2, 11, 0] } });
    expect(indices).toEqual([7, 2, 2, 11, 0]);
    const size = 30 * 40 * 3;
    expect([0, 1, 2, 3, 4].map((t) => red(clip.data, t, size))).toEqual([7, 2, 2, 11, 0].map((k) => 8 * k + 4));
  });

  it('selects frames by frame step (start, step, count)', async () => {
    const { clip, indices } = await decodeFrames(lossless, { selection: { kind: 'step', start: 1, step: 3, count: 4 } });
    expect(indices).toEqual([1, 4, 7, 10]);
    expect([0, 1, 2, 3].map((t) => red(clip.data, t, 30 * 40 * 3))).toEqual([12, 36, 60, 84]);
  });

  it('resamples to a target fps', async () => {
    const { clip } = await decodeFrames(lossless, { selection: { kind: 'fps', fps: 5, count: 4 } });
    // 10 fps -> 5 fps keeps every other frame.
    expect([0, 1, 2, 3].map((t) => red(clip.data, t, 30 * 40 * 3))).toEqual([0, 2, 4, 6].map((k) => 8 * k + 4));
  });

  it('scales and centre-crops in the filter graph', async () => {
    // 40x30 -> cover 16x16: scale to 21x16 (or 22x16), crop the middle 16 columns.
    const { clip } = await decodeFrames(lossless, { size: 16, selection: { kind: 'indices', indices: [5] }, scaler: 'area' });
    expect([clip.height, clip.width, clip.channels]).toEqual([16, 16, 3]);
    const at = (x: number, y: number, c: number) => clip.data[(y * 16 + x) * 3 + c] * 255;
    expect(at(8, 8, 0)).toBeCloseTo(44, -1); // red: frame 5
    // green ramps with x; the crop drops about 1/8 of the width on each side.
    expect(at(0, 8, 1)).toBeGreaterThan(15);
    expect(at(0, 8, 1)).toBeLessThan(50);
    expect(at(15, 8, 1)).toBeGreaterThan(205);
    expect(at(15, 8, 1)).toBeLessThan(240);
    // blue ramps with y over the full height (no vertical crop).
    expect(at(8, 0, 2)).toBeLessThan(20);
    expect(at(8, 15, 2)).toBeGreaterThan(235);
    const stretched = await decodeFrames(lossless, { size: { width: 20, height: 10 }, resize: 'stretch', selection: { kind: 'indices', indices: [0] } });
    expect([stretched.clip.height, stretched.clip.width]).toEqual([10, 20]);
    expect(stretched.clip.data[(5 * 20 + 0) * 3 + 1] * 255).toBeLessThan(15);
  });

  it('decodes grey frames of a lossy H.264/MPEG-4 video close to what was encoded', async () => {
    const { clip } = await decodeFrames(h264, { pixelFormat: 'gray' });
    expect([clip.frames, clip.height, clip.width, clip.channels]).toEqual([10, 24, 32, 1]);
    for (let t = 0; t < 10; t++) {
      const frame = clip.data.subarray(t * 768, (t + 1) * 768);
      const mean = frame.reduce((a, b) => a + b, 0) / frame.length;
      expect(Math.abs(mean * 255 - (20 + 20 * t))).toBeLessThan(3);
    }
  });

  it('names a corrupt file, says it is corrupt and quotes ffmpeg', async () => {
    const corrupt = join(dir, 'random-bytes.mp4');
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251;
    writeFileSync(corrupt, bytes);
    for (const run of [() => probeVideo(corrupt), () => decodeFrames(corrupt, { size: 8 })]) {
      const error = await run().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VideoDecodeError);
      expect((error as VideoDecodeError).failure).toBe('corrupt');
      expect((error as Error).message).toContain(corrupt);
      expect((error as Error).message).toMatch(/Invalid data found/);
      expect((error as Error).message).toMatch(/Fix: re-encode or remove/);
    }
    expect(ffmpegChildren()).toEqual([]);
  });

  it('names a truncated mp4 and says it is truncated', async () => {
    const cut = join(dir, 'cut.mp4');
    const whole = readFileSync(h264);
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    const error = await decodeFrames(cut, { size: 8 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VideoDecodeError);
    expect((error as VideoDecodeError).failure).toBe('truncated');
    expect((error as Error).message).toContain(cut);
    expect((error as Error).message).toMatch(/moov atom not found/);
  });

  it('names a missing file and refuses frames past the end', async () => {
    await expect(decodeFrames(join(dir, 'nope.mp4'))).rejects.toThrow(/nope\.mp4: missing: no such file/);
    const error = await decodeFrames(lossless, { selection: { kind: 'indices', indices: [3, 12] } }).catch((e: unknown) => e);
    expect((error as VideoDecodeError).failure).toBe('truncated');
    expect((error as Error).message).toMatch(/pattern\.mkv: truncated: asked for frame\(s\) up to 12 but ffmpeg decoded only 1 of 2/);
  });

  it.runIf(hasProcChildren)('kills ffmpeg when aborted, and no ffmpeg process remains', async () => {
    const controller = new AbortController();
    // Upscaling to 2000x2000 with lanczos keeps ffmpeg busy for a while.
    const decoding = decodeFrames(h264, { size: 2000, scaler: 'lanczos', signal: controller.signal }).catch((e: unknown) => e);
    const started = Date.now();
    while (ffmpegChildren().length === 0 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 5));
    const running = ffmpegChildren();
    expect(running.length).toBe(1);
    controller.abort();
    const error = await decoding;
    expect(error).toBeInstanceOf(VideoDecodeError);
    expect((error as VideoDecodeError).failure).toBe('aborted');
    expect((error as Error).message).toContain(h264);
    expect(ffmpegChildren()).toEqual([]);
    expect(() => process.kill(running[0], 0)).toThrow(); // gone, not a zombie left to us
    await expect(decodeFrames(h264, { signal: AbortSignal.abort() })).rejects.toThrow(/aborted/);
  });
});

describe('encodeVideo', () => {
  it('lists encoders and refuses odd sizes for yuv420p codecs and frames of the wrong size', async () => {
    const encoders = await listVideoEncoders();
    expect(encoders.has('ffv1')).toBe(true);
    await expect(encodeVideo(join(dir, 'odd.mp4'), [new Uint8Array(15 * 15)], { width: 15, height: 15, pixelFormat: 'gray', codec: 'mpeg4' })).rejects.toThrow(
      /needs even sizes, got 15x15.*Fix/,
    );
    await expect(encodeVideo(join(dir, 'wrong.mkv'), [new Uint8Array(10)], { width: 4, height: 4, codec: 'ffv1' })).rejects.toThrow(
      /frame 0 holds 10 bytes but 4x4x3 = 48/,
    );
    expect(ffmpegChildren()).toEqual([]);
  });
});

describe('selectExpression', () => {
  it('writes progressions as one term and other lists as runs', () => {
    expect(selectExpression([2, 5, 8, 11])).toBe('between(n,2,11)*not(mod(n-2,3))');
    expect(selectExpression([0, 1, 2, 7, 9, 10])).toBe('between(n,0,2)+eq(n,7)+between(n,9,10)');
    expect(selectExpression([4])).toBe('eq(n,4)');
  });
});
