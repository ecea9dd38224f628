import { prefetch } from './prefetch.js';
import { probeVideo, type VideoProbe } from './ffmpeg-adapter.js';
import { readVideoClips, type VideoClipOptions } from './read-video-clips.js';
import type { UniformSource } from '@jepa/core';

/** Options for {@link measureDecodeThroughput}. */
export interface DecodeThroughputOptions {
  /** Clip sampling and decoding. Default 16 frames, step 4, 64x64 RGB, padded when short. */
  readonly clip?: VideoClipOptions;
  /** Clips to decode (cycling over the files). Default 32. */
  readonly clips?: number;
  /** Decodes running at once. Default 2. */
  readonly concurrency?: number;
  /** Random clip starts from this source; default centred clips. */
  readonly rng?: UniformSource;
}

/** What {@link measureDecodeThroughput} measured. */
export interface DecodeThroughput {
  /** Clips decoded. */
  readonly clips: number;
  /** Frames decoded. */
  readonly frames: number;
  /** Wall-clock seconds of the decoding (probes excluded). */
  readonly seconds: number;
  /** Decoded (selected, resized) frames per second, wall clock, probes excluded. */
  readonly framesPerSecond: number;
  /** Decoded clips per second, wall clock. */
  readonly clipsPerSecond: number;
  /** The frame size measured, e.g. `64x64x3`. */
  readonly frameShape: string;
  /** Decodes that ran at once. */
  readonly concurrency: number;
}

/**
 * Decodes `clips` clips from `paths` (round robin) through the prefetcher, as training would, and
 * reports decoded frames per second. Files are probed once beforehand (not timed), as datasets
 * cache probes.
 */
export async function measureDecodeThroughput(paths: readonly string[], options: DecodeThroughputOptions = {}): Promise<DecodeThroughput> {
  if (paths.length === 0) throw new RangeError('measureDecodeThroughput: no video paths given; pass at least one file.');
  const clipOptions: VideoClipOptions = options.clip ?? { numFrames: 16, frameStep: 4, size: 64 };
  const count = options.clips ?? 32;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`measureDecodeThroughput: clips must be a positive integer, got ${count}.`);
  const concurrency = options.concurrency ?? 2;
  const probes: VideoProbe[] = [];
  for (const path of paths) probes.push(await probeVideo(path));

  const jobs = Array.from({ length: count }, (_, i) => probes[i % probes.length]);
  let frames = 0;
  let clips = 0;
  let frameShape = '';
  const started = performance.now();
  for await (const result of prefetch(
    jobs,
    (probe, signal) =>
      readVideoClips(probe.path, clipOptions, { probe, signal, rng: options.rng, placement: options.rng ? 'random' : 'center' }),
    { ahead: 2 * concurrency, concurrency },
  )) {
    if (!result) continue;
    for (const clip of result.clips) {
      frames += clip.frames;
      clips++;
      frameShape = `${clip.height}x${clip.width}x${clip.channels}`;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { clips, frames, seconds, framesPerSecond: frames / seconds, clipsPerSecond: clips / seconds, frameShape, concurrency };
}
