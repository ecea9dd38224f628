#!/usr/bin/env node
// Video decode benchmark: prints JSON with decoded frames per second through ffmpeg
//  1. in-process (`measureDecodeThroughput`, main thread idle), and
//  2. on a ClipDecodeThread while the main thread is blocked in synchronous "training steps"
//     (busy loops of --step-ms), as during V-JEPA training on wasm/cpu: what the prefetcher gets;
//  3. for contrast, in-process while the main thread is blocked the same way (ffmpeg only advances
//     between steps).
// Videos: --videos N files of --seconds s at 30 fps, 320x240, H.264 (mpeg4 if libx264 is missing),
// written to a temp folder first (not timed). Clips: 16 frames, frame step 4, random starts.
// Usage: node tools/bench/src/decode-bench.mjs [--size 64] [--clips 64] [--concurrency 2] [--step-ms 500]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '@jepa/core';
import { prefetch } from '@jepa/video';
import { ClipDecodeThread, defaultVideoEncoder, measureDecodeThroughput, readVideoClips, resolveFfmpegPath, writePatternVideo } from '@jepa/video/node';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '64' },
    clips: { type: 'string', default: '64' },
    concurrency: { type: 'string', default: '2' },
    videos: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '5' },
    'step-ms': { type: 'string', default: '500' },
  },
});
const size = Number(values.size);
const clips = Number(values.clips);
const concurrency = Number(values.concurrency);
const stepMs = Number(values['step-ms']);
const clip = { numFrames: 16, frameStep: 4, size };

const dir = mkdtempSync(join(tmpdir(), 'jepa-decode-bench-'));
try {
  const codec = await defaultVideoEncoder();
  const paths = [];
  for (let i = 0; i < Number(values.videos); i++) {
    const path = join(dir, `v${i}.mp4`);
    await writePatternVideo(path, { frames: Math.round(30 * Number(values.seconds)), width: 320, height: 240, fps: 30, codec });
    paths.push(path);
  }

  const inProcess = await measureDecodeThroughput(paths, { clip, clips, concurrency, rng: new Rng(0) });

  /**
   * Runs `decode(onClip)` (which decodes `count` clips, calling `onClip` after each) while the main
   * thread runs busy "steps"; frames/s and steps.
   */
  const whileBlocked = async (decode, count = clips) => {
    const started = performance.now();
    let done = 0;
    const decoding = decode(() => done++);
    let blockedSteps = 0;
    while (done < count) {
      const until = performance.now() + stepMs;
      while (performance.now() < until) {
        // a synchronous training step: the main event loop is blocked
      }
      blockedSteps++;
      await new Promise((resolve) => setImmediate(resolve)); // between steps
    }
    await decoding;
    const seconds = (performance.now() - started) / 1000;
    return { clips: count, frames: count * clip.numFrames, seconds: +seconds.toFixed(3), framesPerSecond: +((count * clip.numFrames) / seconds).toFixed(1), blockedSteps, stepMs };
  };
  const jobs = (count) => Array.from({ length: count }, (_, i) => i);

  const thread = await ClipDecodeThread.start({ concurrency });
  let threadResult;
  try {
    for (const path of paths) await thread.read(path, { ...clip, numFrames: 1 }); // probes cached in the worker, as datasets cache them
    threadResult = await whileBlocked((onClip) => Promise.all(jobs(clips).map((i) => thread.read(paths[i % paths.length], clip, { seed: i + 1 }).then(onClip))));
  } finally {
    await thread.close();
  }
  // In-process through the prefetcher (`concurrency` at a time), while blocked. 8 clips: each
  // ffmpeg stage waits for a step boundary, so this is slow.
  const few = Math.min(clips, 8);
  const inProcessBlocked = await whileBlocked(async (onClip) => {
    const load = (i, signal) => readVideoClips(paths[i % paths.length], clip, { rng: new Rng(i + 1), signal });
    for await (const _ of prefetch(jobs(few), load, { concurrency, ahead: 2 * concurrency })) onClip();
  }, few);

  const ffmpeg = resolveFfmpegPath();
  console.log(JSON.stringify({
    cpus: cpus().length,
    ffmpeg: { source: ffmpeg.source, codec },
    clip: `${clip.numFrames} frames, step ${clip.frameStep}, ${size}x${size} RGB, random start, from 320x240 ${values.seconds} s videos`,
    concurrency,
    inProcess: { clips: inProcess.clips, frames: inProcess.frames, seconds: +inProcess.seconds.toFixed(3), framesPerSecond: +inProcess.framesPerSecond.toFixed(1) },
    onThreadWhileMainBlocked: threadResult,
    inProcessWhileMainBlocked: inProcessBlocked,
  }, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
