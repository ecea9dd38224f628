import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@jepa/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShortVideoError } from './clip-sampler.js';
import { ClipDecodeThread } from './clip-decode-thread.js';
import { writePatternVideo } from './pattern-video.js';
import { readVideoClips } from './read-video-clips.js';
import { VideoDecodeError } from './video-decode-error.js';

const dir = mkdtempSync(join(tmpdir(), 'jepa-decode-thread-'));
const long = join(dir, 'long.mkv'); // 60 frames
const short = join(dir, 'short.mkv'); // 5 frames
const corrupt = join(dir, 'corrupt.mp4');
let thread: ClipDecodeThread;

beforeAll(async () => {
  await writePatternVideo(long, { frames: 60, width: 24, height: 16, codec: 'ffv1' });
  await writePatternVideo(short, { frames: 5, width: 24, height: 16, codec: 'ffv1' });
  writeFileSync(corrupt, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  thread = await ClipDecodeThread.start({ concurrency: 2 });
}, 60_000);
afterAll(async () => {
  await thread?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Frame numbers (mod 32) read back from the red channel (8t + 4 mod 256) of each clip frame. */
const frameNumbers = (data: Float32Array, frames: number, frameSize: number) =>
  Array.from({ length: frames }, (_, t) => Math.round((data[t * frameSize]! * 255 - 4) / 8));

/** ffmpeg processes whose parent is this process (from /proc). */
function ffmpegChildren(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [, comm, rest] = /^\d+ \((.*)\) (.*)$/s.exec(stat)!;
      const ppid = Number(rest!.split(' ')[1]);
      if (ppid === process.pid && /ffmpeg|ffprobe/.test(comm!)) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

describe('ClipDecodeThread', () => {
  it('decodes on a worker the same frames as readVideoClips in-process, for a seed and centred', async () => {
    const options = { numFrames: 4, frameStep: 3 };
    for (const seed of [1, 2, 99]) {
      const { clips, probe } = await thread.read(long, options, { seed });
      const local = (await readVideoClips(long, options, { rng: new Rng(seed) }))!;
      expect(clips!.indices).toEqual(local.indices);
      expect(frameNumbers(clips!.clips[0]!.data, 4, 16 * 24 * 3)).toEqual(local.indices[0]!.map((i) => i % 32));
      expect(Buffer.from(clips!.clips[0]!.data.buffer).equals(Buffer.from(local.clips[0]!.data.buffer))).toBe(true);
      expect(probe.frameCount).toBe(60);
    }
    // A probe given by the caller (datasets pass their cached one) is used as it is: no second probe.
    const real = (await thread.read(long, options)).probe;
    for (const seed of [1, 2, 3, 4, 5]) {
      const given = await thread.read(long, { numFrames: 4, frameStep: 1 }, { seed, probe: { ...real, frameCount: 8 } });
      expect(given.probe.frameCount).toBe(8);
      expect(given.clips!.indices[0]!.every((i) => i < 8)).toBe(true); // clips of 60 frames would start anywhere up to 56
    }
    const centred = await thread.read(long, options);
    expect(centred.clips!.indices).toEqual((await readVideoClips(long, options, { placement: 'center' }))!.indices);
  });

  it('gives the in-process error classes, naming the file; skips short videos on request', async () => {
    await expect(thread.read(corrupt, { numFrames: 4 })).rejects.toSatisfy((e: unknown) => e instanceof VideoDecodeError && e.path.endsWith('corrupt.mp4') && e.failure === 'corrupt');
    await expect(thread.read(join(dir, 'nope.mp4'), { numFrames: 4 })).rejects.toSatisfy((e: unknown) => e instanceof VideoDecodeError && e.failure === 'missing');
    await expect(thread.read(short, { numFrames: 4, frameStep: 2, shortVideo: 'error' })).rejects.toBeInstanceOf(ShortVideoError);
    const skipped = await thread.read(short, { numFrames: 4, frameStep: 2, shortVideo: 'skip' });
    expect(skipped.clips).toBeNull();
    expect(skipped.probe.frameCount).toBe(5);
    await expect(thread.read(long, { numFrames: 0 })).rejects.toThrow(/numFrames/);
  });

  it('keeps decoding while the main thread is blocked', async () => {
    const reads = Array.from({ length: 6 }, (_, i) => thread.read(long, { numFrames: 8, frameStep: 2 }, { seed: i + 10 }));
    const until = performance.now() + 3000;
    while (performance.now() < until) {
      // a synchronous "training step": the main event loop cannot run
    }
    const started = performance.now();
    const results = await Promise.all(reads);
    // Decoded during the busy wait: the answers are already queued, so they arrive at once.
    expect(performance.now() - started).toBeLessThan(500);
    expect(results.every((r) => r.clips?.clips[0]?.frames === 8)).toBe(true);
  });

  it('aborts a read (its ffmpeg is killed) and close() leaves no ffmpeg behind', async () => {
    const controller = new AbortController();
    const read = thread.read(long, { numFrames: 16, frameStep: 3, size: 256 }, { seed: 5, signal: controller.signal });
    controller.abort();
    await expect(read).rejects.toSatisfy((e: unknown) => e instanceof VideoDecodeError && e.failure === 'aborted');
    const other = await ClipDecodeThread.start({ concurrency: 3 });
    const pending = Array.from({ length: 6 }, (_, i) => other.read(long, { numFrames: 16, frameStep: 3, size: 256 }, { seed: i }).catch((e: unknown) => e));
    await other.close();
    const outcomes = await Promise.all(pending);
    expect(outcomes.every((o) => o instanceof VideoDecodeError && o.failure === 'aborted')).toBe(true);
    expect(ffmpegChildren()).toEqual([]);
    await expect(other.read(long, { numFrames: 4 })).rejects.toThrow(/after close/);
  });
});
