import { sampleClipIndices, validateClipSamplerOptions, type ClipSamplerOptions, type SampleClipContext } from './clip-sampler.js';
import { decodeFrames, probeVideo, type DecodeFramesOptions, type VideoProbe } from './ffmpeg-adapter.js';
import { createVideoClip, type VideoClip } from './video-clip.js';

/** How frames are decoded: size, resize mode, pixel format, scaler, threads (see `decodeFrames`). */
export type ClipDecodeOptions = Pick<DecodeFramesOptions, 'size' | 'resize' | 'pixelFormat' | 'scaler' | 'threads'>;

/** Clip sampling plus decoding options. */
export interface VideoClipOptions extends ClipSamplerOptions, ClipDecodeOptions {}

/** Per-call context of {@link readVideoClips}. */
export interface ReadVideoClipsContext extends Omit<SampleClipContext, 'fps' | 'path'> {
  /** A probe of this file, to skip probing (datasets cache them). */
  readonly probe?: VideoProbe;
  /** Cancels the read: ffmpeg is killed and the promise rejects with an `aborted` error. */
  readonly signal?: AbortSignal;
}

/** The clips cut from one video. */
export interface VideoClips {
  /** The file, as an absolute path. */
  readonly path: string;
  /** `numClips` clips, each `[numFrames, H, W, C]`. */
  readonly clips: readonly VideoClip[];
  /** The frame numbers of each clip. */
  readonly indices: readonly (readonly number[])[];
  /** Frames between sampled frames (resolved from `frameStep` or `fps`). */
  readonly frameStep: number;
  /** True when the video was shorter than one clip window and was padded. */
  readonly short: boolean;
  /** The file's probe. */
  readonly probe: VideoProbe;
}

/**
 * Probes a video (unless `context.probe` is given), picks clip frames with
 * {@link sampleClipIndices} and decodes all clips in one ffmpeg run. Returns null when the video
 * is too short and `shortVideo` is `skip`; throws a `VideoDecodeError`/`ShortVideoError` naming the file.
 */
export async function readVideoClips(path: string, options: VideoClipOptions, context: ReadVideoClipsContext = {}): Promise<VideoClips | null> {
  validateClipSamplerOptions(options);
  const probe = context.probe ?? (await probeVideo(path, { signal: context.signal }));
  const plan = sampleClipIndices(probe.frameCount, options, { ...context, fps: probe.fps, path: probe.path });
  if (!plan) return null;
  const { clip } = await decodeFrames(probe.path, {
    selection: { kind: 'indices', indices: plan.clips.flat() },
    size: options.size,
    resize: options.resize,
    pixelFormat: options.pixelFormat,
    scaler: options.scaler,
    threads: options.threads,
    probe,
    signal: context.signal,
  });
  const frameSize = clip.height * clip.width * clip.channels;
  const perClip = options.numFrames * frameSize;
  const clips = plan.clips.map((_, i) =>
    createVideoClip(
      options.numFrames,
      clip.height,
      clip.width,
      clip.channels,
      plan.clips.length === 1 ? clip.data : clip.data.slice(i * perClip, (i + 1) * perClip),
    ),
  );
  return { path: probe.path, clips, indices: plan.clips, frameStep: plan.frameStep, short: plan.short, probe };
}
