/**
 * The one module that talks to ffmpeg (through fluent-ffmpeg, whose repository is archived: keep
 * every use of it here). It probes videos, decodes frames as raw `rgb24`/`gray` bytes through a
 * pipe (no temporary files) and encodes raw frames into video files.
 *
 * Every run kills its ffmpeg process on failure or abort and settles only after the process has
 * exited, so no ffmpeg outlives a failed or aborted call.
 */
import type { ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { Readable, Writable } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import { resolveFfmpegPath } from './ffmpeg-path.js';
import { findMp4Truncation } from './mp4-truncation.js';
import { createVideoClip, type VideoClip } from './video-clip.js';
import { classifyFfmpegStderr, VideoDecodeError, type VideoDecodeFailure } from './video-decode-error.js';

/** What {@link probeVideo} learns about a video's first video stream. */
export interface VideoProbe {
  /** The file, as an absolute path. */
  readonly path: string;
  /** Frame size as decoded (after ffmpeg's auto-rotation: a 90-degree rotation swaps the sides). */
  readonly width: number;
  /** Frame height as decoded. */
  readonly height: number;
  /** Average frame rate (ffmpeg's `fps`, else `tbr`); NaN when the container gives none. */
  readonly fps: number;
  /**
   * Frames in the stream: counted packet by packet (`-c copy`, no decoding) unless `countFrames`
   * was false, then estimated as `round(duration * fps)`.
   */
  readonly frameCount: number;
  /** Whether `frameCount` was counted (true) or estimated from duration and fps (false). */
  readonly frameCountExact: boolean;
  /** Container duration in seconds; NaN when unknown. */
  readonly durationSeconds: number;
  /** Codec name as ffmpeg prints it (`h264`, `ffv1`, `mpeg4`, ...). */
  readonly codec: string;
  /** Display rotation in degrees from the stream's metadata (0 when none). */
  readonly rotation: number;
}

/** Options for {@link probeVideo}. */
export interface ProbeVideoOptions {
  /** Count frames exactly by reading every packet (fast: no decoding). Default true. */
  readonly countFrames?: boolean;
  /** Cancels the probe: ffmpeg is killed and the promise rejects with an `aborted` error. */
  readonly signal?: AbortSignal;
}

/** Output size of decoded frames. */
export interface FrameSize {
  /** Columns, in pixels. */
  readonly width: number;
  /** Rows, in pixels. */
  readonly height: number;
}

/**
 * Which frames to decode:
 * - `indices`: frame numbers (0-based, decode order as ffmpeg's `select` counts them), in any order
 *   and with repeats; the clip holds them in the order given;
 * - `step`: `count` frames `start, start + step, ...` (the official `frame_step`/`sampling_rate`);
 * - `fps`: resample to `fps` frames per second with ffmpeg's `fps` filter, from `startSeconds`,
 *   keeping `count` frames;
 * - `all`: every frame.
 */
export type FrameSelection =
  | {
    /** Frames by number. */
    readonly kind: 'indices';
    /** Frame numbers (0-based), in the order the clip holds them; repeats allowed. */
    readonly indices: readonly number[];
  }
  | {
    /** Every `step`-th frame. */
    readonly kind: 'step';
    /** Frames between two kept frames. */
    readonly step: number;
    /** Frames to keep. */
    readonly count: number;
    /** The first frame kept (default 0). */
    readonly start?: number;
  }
  | {
    /** Resampled to a frame rate. */
    readonly kind: 'fps';
    /** Frames per second after resampling. */
    readonly fps: number;
    /** Frames to keep. */
    readonly count: number;
    /** Where to start, in seconds (default 0). */
    readonly startSeconds?: number;
  }
  | {
    /** Every frame. */
    readonly kind: 'all';
  };

/** `rgb`: 3 channels (`rgb24`); `gray`: 1 channel (`gray`, ffmpeg's luma). */
export type PixelFormat = 'rgb' | 'gray';

/**
 * How frames reach `size`:
 * - `cover` (default): scale so the frame covers `size` keeping its aspect ratio, then crop the
 *   centre, both in ffmpeg's filter graph;
 * - `stretch`: scale to `size`, ignoring the aspect ratio.
 */
export type ResizeMode = 'cover' | 'stretch';

/** Options for {@link decodeFrames}. */
export interface DecodeFramesOptions {
  /** Default `{ kind: 'all' }`. */
  readonly selection?: FrameSelection;
  /** Output size (a number means square). Default: the video's own size. */
  readonly size?: number | FrameSize;
  /** Default `cover`. */
  readonly resize?: ResizeMode;
  /** Default `rgb`. */
  readonly pixelFormat?: PixelFormat;
  /** ffmpeg's scaler (`bilinear`, `bicubic`, `area`, `lanczos`, ...). Default `bilinear`. */
  readonly scaler?: string;
  /**
   * Decoder threads per ffmpeg process. Default 1: short clips decode fastest single-threaded, and
   * the prefetcher runs several processes at once; pass 0 to let ffmpeg choose.
   */
  readonly threads?: number;
  /** A probe of this file, to skip probing when `size` is not given. */
  readonly probe?: VideoProbe;
  /** Cancels the decode: ffmpeg is killed and the promise rejects with an `aborted` error. */
  readonly signal?: AbortSignal;
}

/** What {@link decodeFrames} returns. */
export interface DecodedFrames {
  /** `[T, H, W, C]` float32 in `0..1`. */
  readonly clip: VideoClip;
  /** The frame number of each clip frame for `indices` and `step` selections (else undefined). */
  readonly indices?: readonly number[];
}

/** Options for {@link encodeVideo}. */
export interface EncodeVideoOptions {
  /** Frame width of the raw input, in pixels. */
  readonly width: number;
  /** Frame height of the raw input, in pixels. */
  readonly height: number;
  /** Layout of the raw input frames. Default `rgb`. */
  readonly pixelFormat?: PixelFormat;
  /** Frames per second written into the file. Default 10. */
  readonly fps?: number;
  /**
   * Encoder: `auto` (default) picks `libx264` when this ffmpeg has it, else `mpeg4`. `ffv1` (in
   * `.mkv`) is lossless. libx264 and mpeg4 write `yuv420p`, which needs even width and height.
   */
  readonly codec?: 'auto' | 'libx264' | 'mpeg4' | 'ffv1' | (string & {});
  /** libx264 CRF (0 = lossless, default 18) or mpeg4 `-q:v` (1..31, default 2). Ignored by ffv1. */
  readonly quality?: number;
  /** More output options, passed to ffmpeg as they are (e.g. `['-g', '10']`). */
  readonly outputOptions?: readonly string[];
  /** Cancels the encode: ffmpeg is killed and the promise rejects. */
  readonly signal?: AbortSignal;
}

/** What {@link encodeVideo} wrote. */
export interface EncodedVideo {
  /** The file written. */
  readonly path: string;
  /** The encoder used (`libx264`, `mpeg4`, `ffv1`, ...). */
  readonly codec: string;
  /** Frames written. */
  readonly frames: number;
}

// ---------------------------------------------------------------------------------------------
// Running ffmpeg

interface RunSpec {
  /** The video named in error messages. */
  readonly subject: string;
  readonly input: string | Readable;
  readonly inputOptions: readonly string[];
  readonly outputOptions: readonly string[];
  readonly output: string | Writable;
  readonly signal?: AbortSignal;
  /** Keep every stderr line (probe parses them); else only a tail. */
  readonly keepAllStderr?: boolean;
}

interface RunResult {
  readonly stderr: string[];
}

const STDERR_TAIL = 10;
const isProgressLine = (line: string) => /^\s*frame=\s*\d+/.test(line) || line.trim() === '';

/** The failure kind ffmpeg's stderr points at, else `fallback`. */
function failureFor(stderr: string, fallback: VideoDecodeFailure): VideoDecodeFailure {
  return classifyFfmpegStderr(stderr) ?? fallback;
}

function tailOf(lines: readonly string[]): string {
  return lines.filter((line) => !isProgressLine(line)).slice(-STDERR_TAIL).join('\n');
}

function waitForExit(proc: ChildProcess | undefined): Promise<void> {
  // pid is undefined when the spawn itself failed: there is no process to wait for.
  if (!proc || proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => proc.once('exit', () => resolve()));
}

function waitForFinish(stream: Writable | undefined): Promise<void> {
  if (!stream || stream.writableFinished || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('finish', () => resolve());
    stream.once('close', () => resolve());
  });
}

let pathSet = '';
/** fluent-ffmpeg keeps one binary path per process; point it at ours once. */
function ffmpegBinary(): string {
  const binary = resolveFfmpegPath().path;
  if (pathSet !== binary) {
    ffmpeg.setFfmpegPath(binary);
    pathSet = binary;
  }
  return binary;
}

/**
 * Runs one ffmpeg command. Resolves after ffmpeg exited with 0 and the output stream finished;
 * rejects with a {@link VideoDecodeError} after the process has exited (killed on abort).
 */
function runFfmpeg(spec: RunSpec): Promise<RunResult> {
  return new Promise<RunResult>((resolve, reject) => {
    const stderr: string[] = [];
    let failure: VideoDecodeError | undefined;
    let proc: ChildProcess | undefined;
    let aborted = false;
    let done = false;

    const fail = (kind: VideoDecodeFailure, detail: string, cause?: unknown) =>
      new VideoDecodeError(spec.subject, kind, detail, tailOf(stderr), cause === undefined ? undefined : { cause });

    if (spec.signal?.aborted) {
      reject(fail('aborted', 'aborted before ffmpeg started', spec.signal.reason));
      return;
    }
    let binary: string;
    try {
      binary = ffmpegBinary();
    } catch (error) {
      reject(error);
      return;
    }

    const command = ffmpeg({ stdoutLines: 0 });
    command.input(spec.input as string);
    if (spec.inputOptions.length > 0) command.inputOptions(...spec.inputOptions);
    command.output(spec.output as string);
    if (spec.outputOptions.length > 0) command.outputOptions(...spec.outputOptions);

    const kill = () => {
      if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    };
    const onAbort = () => {
      aborted = true;
      kill();
    };
    spec.signal?.addEventListener('abort', onAbort, { once: true });

    const finish = async (error?: Error) => {
      if (done) return;
      done = true;
      if (error && isLateExitReport(error) && !aborted && !failure) {
        // fluent-ffmpeg says this when stdout closed more than 20 ms before the process exited (a
        // loaded machine), then sends SIGTERM. ffmpeg had written everything: its exit decides.
        await waitForExit(proc);
        const stoppedBySigterm = proc?.signalCode === 'SIGTERM' || (proc?.exitCode === 255 && /received signal 15/.test(stderr.join('\n')));
        if (proc?.exitCode === 0 || stoppedBySigterm) error = undefined;
      }
      if (error) kill();
      await waitForExit(proc);
      if (!error && typeof spec.output !== 'string') await waitForFinish(spec.output);
      spec.signal?.removeEventListener('abort', onAbort);
      if (aborted) reject(fail('aborted', 'aborted by the caller; ffmpeg was killed', spec.signal?.reason));
      else if (failure) reject(failure);
      else if (error) {
        const text = stderr.join('\n');
        const spawnFailed = !proc || proc.pid === undefined;
        let kind = spawnFailed ? 'failed' : failureFor(text, 'failed');
        let detail = spawnFailed
          ? `cannot run ffmpeg at ${binary}: ${error.message}. Fix: set FFMPEG_PATH to a working ffmpeg`
          : kind === 'failed'
            ? error.message.split('\n')[0]
            : describeFailure(kind);
        // A cut mp4 makes ffmpeg say many things (no moov, no stream, unknown codec): check its boxes.
        const truncation = !spawnFailed && typeof spec.input === 'string' && kind !== 'missing' ? await findMp4Truncation(spec.input) : undefined;
        if (truncation) {
          kind = 'truncated';
          detail = truncation;
        }
        reject(fail(kind, detail, error));
      } else resolve({ stderr });
    };

    command.on('stderr', (line: string) => {
      stderr.push(line);
      if (!spec.keepAllStderr && stderr.length > 4 * STDERR_TAIL) stderr.splice(0, stderr.length - 2 * STDERR_TAIL);
    });
    command.on('start', () => {
      proc = (command as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc;
      if (aborted) kill();
    });
    command.on('error', (error: Error) => void finish(error));
    command.on('end', () => void finish());
    if (typeof spec.output !== 'string') {
      spec.output.on('error', (error: Error) => {
        failure ??= fail('failed', `reading ffmpeg's output failed: ${error.message}`, error);
        kill();
      });
    }
    command.run();
  });
}

/** fluent-ffmpeg's error when the output stream closed before the process exit was seen. */
const isLateExitReport = (error: Error) => error.message === 'Output stream closed';

function describeFailure(kind: VideoDecodeFailure): string {
  switch (kind) {
    case 'missing':
      return 'no such file';
    case 'truncated':
      return 'the file ends early (an mp4 missing its moov index, or cut short)';
    case 'unsupported':
      return 'no decodable video stream (no video, or a codec this ffmpeg lacks)';
    case 'corrupt':
      return 'ffmpeg cannot parse it: not a video file, or damaged';
    default:
      return 'ffmpeg failed';
  }
}

async function assertReadableFile(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new VideoDecodeError(path, 'missing', 'no such file', '', { cause: error });
  }
  if (!info.isFile()) throw new VideoDecodeError(path, 'missing', 'not a regular file (a directory?)');
  if (info.size === 0) throw new VideoDecodeError(path, 'corrupt', 'the file is empty (0 bytes)');
}

// ---------------------------------------------------------------------------------------------
// Probing

const parseClock = (h: string, m: string, s: string) => Number(h) * 3600 + Number(m) * 60 + Number(s);

function parseRate(text: string | undefined): number {
  if (!text) return Number.NaN;
  const k = text.endsWith('k');
  const value = Number.parseFloat(k ? text.slice(0, -1) : text);
  return k ? value * 1000 : value;
}

/** Parses ffmpeg's report on its first input and the final `frame=` count. */
function parseProbe(path: string, lines: readonly string[], counted: boolean): VideoProbe {
  const outputAt = lines.findIndex((line) => /^Output #0/.test(line));
  const inputLines = outputAt < 0 ? lines : lines.slice(0, outputAt);
  const text = inputLines.join('\n');
  const duration = /Duration:\s*(\d+):(\d+):(\d+(?:\.\d+)?)/.exec(text);
  const durationSeconds = duration ? parseClock(duration[1], duration[2], duration[3]) : Number.NaN;
  const streamAt = inputLines.findIndex((line) => /Stream #\d+:\d+.*: Video: /.test(line));
  if (streamAt < 0) {
    throw new VideoDecodeError(path, 'unsupported', 'no video stream found', tailOf(lines));
  }
  const stream = inputLines[streamAt];
  const codec = /Video: ([\w-]+)/.exec(stream)?.[1] ?? 'unknown';
  const size = /, (\d+)x(\d+)[\s,[]/.exec(`${stream} `);
  if (!size) throw new VideoDecodeError(path, 'unsupported', `ffmpeg reports no frame size for the video stream (${stream.trim()})`, tailOf(lines));
  let fps = parseRate(/, ([\d.]+k?) fps/.exec(stream)?.[1]);
  if (!Number.isFinite(fps) || fps <= 0) fps = parseRate(/, ([\d.]+k?) tbr/.exec(stream)?.[1]);
  if (!Number.isFinite(fps) || fps <= 0) fps = Number.NaN;
  // Rotation lives in the stream's metadata/side data lines, up to the next stream.
  let rotation = 0;
  for (let i = streamAt + 1; i < inputLines.length && !/Stream #/.test(inputLines[i]); i++) {
    const rotate = /rotate\s*:\s*(-?\d+)/.exec(inputLines[i]) ?? /rotation of (-?[\d.]+) degrees/.exec(inputLines[i]);
    if (rotate) rotation = Math.round(Number(rotate[1]));
  }
  let width = Number(size[1]);
  let height = Number(size[2]);
  if (Math.abs(rotation) % 180 === 90) [width, height] = [height, width];

  let frameCount = Number.NaN;
  if (counted) {
    for (let i = lines.length - 1; i >= 0; i--) {
      const frames = /frame=\s*(\d+)/.exec(lines[i]);
      if (frames) {
        frameCount = Number(frames[1]);
        break;
      }
    }
  }
  if (!Number.isFinite(frameCount)) frameCount = Math.round(durationSeconds * fps);
  if (!Number.isFinite(frameCount)) {
    throw new VideoDecodeError(path, 'unsupported', 'cannot tell how many frames it has (no frame count, duration or frame rate)', tailOf(lines));
  }
  return {
    path,
    width,
    height,
    fps,
    frameCount,
    frameCountExact: counted && Number.isFinite(frameCount),
    durationSeconds,
    codec,
    rotation,
  };
}

/**
 * Probes a video's first video stream with ffmpeg itself (no ffprobe needed): size, frame rate,
 * duration, codec, and the exact frame count (packets counted with `-c copy`, no decoding).
 * Throws a {@link VideoDecodeError} naming the file when it is missing, corrupt, truncated or has
 * no video stream.
 */
export async function probeVideo(file: string, options: ProbeVideoOptions = {}): Promise<VideoProbe> {
  const path = resolvePath(file);
  await assertReadableFile(path);
  const counted = options.countFrames ?? true;
  const { stderr } = await runFfmpeg({
    subject: path,
    input: path,
    inputOptions: ['-hide_banner', '-nostdin'],
    outputOptions: ['-map', '0:v:0', '-c', 'copy', ...(counted ? [] : ['-frames:v', '1']), '-f', 'null'],
    output: '-',
    signal: options.signal,
    keepAllStderr: true,
  });
  const probe = parseProbe(path, stderr, counted);
  if (counted && probe.frameCount === 0) {
    throw new VideoDecodeError(path, 'corrupt', 'the video stream holds no frames', tailOf(stderr));
  }
  return probe;
}

// ---------------------------------------------------------------------------------------------
// Decoding

function checkNonNegativeInt(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`decodeFrames: ${what} must be a non-negative integer, got ${value}.`);
}

/**
 * A `select` expression keeping exactly the sorted, distinct frame numbers `frames`: an arithmetic
 * progression becomes one `between * mod` term, anything else a sum of `between` runs.
 */
export function selectExpression(frames: readonly number[]): string {
  if (frames.length === 0) throw new RangeError('selectExpression: no frames to select.');
  const first = frames[0];
  const last = frames[frames.length - 1];
  if (frames.length >= 3) {
    const step = frames[1] - first;
    if (step > 1 && frames.every((frame, i) => frame === first + i * step)) {
      return `between(n,${first},${last})*not(mod(n-${first},${step}))`;
    }
  }
  const terms: string[] = [];
  let start = first;
  let previous = first;
  for (let i = 1; i <= frames.length; i++) {
    const frame = frames[i];
    if (i < frames.length && frame === previous + 1) {
      previous = frame;
      continue;
    }
    terms.push(start === previous ? `eq(n,${start})` : `between(n,${start},${previous})`);
    if (i < frames.length) start = previous = frame;
  }
  return terms.join('+');
}

function normaliseSize(size: number | FrameSize | undefined): FrameSize | undefined {
  if (size === undefined) return undefined;
  const { width, height } = typeof size === 'number' ? { width: size, height: size } : size;
  if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
    throw new RangeError(`decodeFrames: size must be a positive integer or { width, height } of positive integers, got ${JSON.stringify(size)}.`);
  }
  return { width, height };
}

/** `BYTE_TO_UNIT[b] = b / 255` as float32. */
const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, b) => b / 255);

/** Collects ffmpeg's raw output chunks. */
class ChunkCollector extends Writable {
  readonly chunks: Buffer[] = [];
  bytes = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    callback();
  }
}

/**
 * Decodes frames of a video into a `[T, H, W, C]` float32 clip (values `0..1`), streamed from
 * ffmpeg as raw `rgb24`/`gray` bytes through a pipe. Frame selection, scaling and the centre crop
 * run inside ffmpeg's filter graph, and ffmpeg stops after the last selected frame.
 *
 * Throws a {@link VideoDecodeError} naming the file (missing, corrupt, truncated, unsupported,
 * aborted) with ffmpeg's stderr tail; the ffmpeg process is dead by the time it throws.
 */
export async function decodeFrames(file: string, options: DecodeFramesOptions = {}): Promise<DecodedFrames> {
  const path = resolvePath(file);
  const selection = options.selection ?? { kind: 'all' };
  const pixelFormat = options.pixelFormat ?? 'rgb';
  if (pixelFormat !== 'rgb' && pixelFormat !== 'gray') {
    throw new RangeError(`decodeFrames: pixelFormat must be 'rgb' or 'gray', got ${JSON.stringify(pixelFormat)}.`);
  }
  const channels = pixelFormat === 'rgb' ? 3 : 1;
  const resize = options.resize ?? 'cover';
  if (resize !== 'cover' && resize !== 'stretch') throw new RangeError(`decodeFrames: resize must be 'cover' or 'stretch', got ${JSON.stringify(resize)}.`);
  const scaler = options.scaler ?? 'bilinear';
  if (!/^[a-z_+]+$/.test(scaler)) throw new RangeError(`decodeFrames: scaler must be an ffmpeg scaler name like 'bilinear', got ${JSON.stringify(scaler)}.`);
  const threads = options.threads ?? 1;
  checkNonNegativeInt(threads, 'threads');
  let size = normaliseSize(options.size);

  // What to select, and how many frames ffmpeg should return.
  const filters: string[] = [];
  const inputOptions = ['-hide_banner', '-nostdin', '-loglevel', 'warning', '-threads', String(threads)];
  let expected: number | undefined;
  let order: number[] | undefined;
  let distinct: number[] | undefined;
  switch (selection.kind) {
    case 'indices': {
      if (selection.indices.length === 0) throw new RangeError('decodeFrames: selection.indices is empty; pass at least one frame number.');
      selection.indices.forEach((index, i) => checkNonNegativeInt(index, `selection.indices[${i}]`));
      order = [...selection.indices];
      distinct = [...new Set(order)].sort((a, b) => a - b);
      filters.push(`select='${selectExpression(distinct)}'`);
      expected = distinct.length;
      break;
    }
    case 'step': {
      const start = selection.start ?? 0;
      checkNonNegativeInt(start, 'selection.start');
      if (!Number.isInteger(selection.step) || selection.step < 1) throw new RangeError(`decodeFrames: selection.step must be a positive integer, got ${selection.step}.`);
      if (!Number.isInteger(selection.count) || selection.count < 1) throw new RangeError(`decodeFrames: selection.count must be a positive integer, got ${selection.count}.`);
      order = Array.from({ length: selection.count }, (_, k) => start + k * selection.step);
      distinct = order;
      filters.push(`select='${selectExpression(order)}'`);
      expected = selection.count;
      break;
    }
    case 'fps': {
      if (!(selection.fps > 0) || !Number.isFinite(selection.fps)) throw new RangeError(`decodeFrames: selection.fps must be a positive number, got ${selection.fps}.`);
      if (!Number.isInteger(selection.count) || selection.count < 1) throw new RangeError(`decodeFrames: selection.count must be a positive integer, got ${selection.count}.`);
      const startSeconds = selection.startSeconds ?? 0;
      if (!(startSeconds >= 0)) throw new RangeError(`decodeFrames: selection.startSeconds must be >= 0, got ${startSeconds}.`);
      if (startSeconds > 0) inputOptions.push('-ss', String(startSeconds));
      filters.push(`fps=fps=${selection.fps}`);
      expected = selection.count;
      break;
    }
    case 'all':
      break;
    default:
      throw new RangeError(`decodeFrames: unknown selection kind ${JSON.stringify((selection as { kind: unknown }).kind)}; use 'indices', 'step', 'fps' or 'all'.`);
  }

  await assertReadableFile(path);
  if (size) {
    const { width, height } = size;
    filters.push(
      resize === 'cover'
        ? `scale=${width}:${height}:force_original_aspect_ratio=increase:flags=${scaler},crop=${width}:${height}`
        : `scale=${width}:${height}:flags=${scaler}`,
    );
  } else {
    const probe = options.probe ?? (await probeVideo(path, { countFrames: false, signal: options.signal }));
    size = { width: probe.width, height: probe.height };
  }

  const collector = new ChunkCollector();
  const outputOptions = ['-map', '0:v:0', '-an', '-sn', '-dn'];
  if (filters.length > 0) outputOptions.push('-vf', filters.join(','));
  outputOptions.push('-vsync', 'passthrough');
  if (expected !== undefined) outputOptions.push('-frames:v', String(expected));
  outputOptions.push('-f', 'rawvideo', '-pix_fmt', pixelFormat === 'rgb' ? 'rgb24' : 'gray');
  await runFfmpeg({ subject: path, input: path, inputOptions, outputOptions, output: collector, signal: options.signal });

  const frameBytes = size.width * size.height * channels;
  const got = Math.floor(collector.bytes / frameBytes);
  if (collector.bytes % frameBytes !== 0) {
    throw new VideoDecodeError(
      path,
      'failed',
      `ffmpeg wrote ${collector.bytes} bytes, not a whole number of ${size.width}x${size.height}x${channels} frames ` +
        '(the decoded size differs from the probed one; pass `size` to fix the output size)',
    );
  }
  if (got === 0) throw new VideoDecodeError(path, 'corrupt', 'ffmpeg decoded no frame');
  if (expected !== undefined && got < expected) {
    const wanted = distinct ? `frame(s) up to ${distinct[distinct.length - 1]}` : `${expected} frame(s)`;
    throw new VideoDecodeError(
      path,
      'truncated',
      `asked for ${wanted} but ffmpeg decoded only ${got} of ${expected}: the video is shorter than the selection or cut short`,
    );
  }

  // Bytes -> float32 in 0..1 (byte / 255), frames in decode order.
  const decoded = new Float32Array(got * frameBytes);
  let offset = 0;
  for (const chunk of collector.chunks) {
    const end = Math.min(chunk.length, decoded.length - offset);
    for (let i = 0; i < end; i++) decoded[offset++] = BYTE_TO_UNIT[chunk[i]];
  }
  if (!order || !distinct) {
    return { clip: createVideoClip(got, size.height, size.width, channels, decoded) };
  }
  if (order.length === distinct.length && order.every((frame, i) => frame === distinct[i])) {
    return { clip: createVideoClip(order.length, size.height, size.width, channels, decoded), indices: order };
  }
  const position = new Map(distinct.map((frame, i) => [frame, i]));
  const data = new Float32Array(order.length * frameBytes);
  order.forEach((frame, t) => {
    const i = position.get(frame)!;
    data.set(decoded.subarray(i * frameBytes, (i + 1) * frameBytes), t * frameBytes);
  });
  return { clip: createVideoClip(order.length, size.height, size.width, channels, data), indices: order };
}

// ---------------------------------------------------------------------------------------------
// Encoding

let encoderCache: Promise<ReadonlySet<string>> | undefined;

/** Names of the video encoders this ffmpeg has (`ffmpeg -encoders`), cached per process. */
export function listVideoEncoders(): Promise<ReadonlySet<string>> {
  encoderCache ??= new Promise<ReadonlySet<string>>((resolve, reject) => {
    try {
      ffmpegBinary();
    } catch (error) {
      reject(error);
      return;
    }
    ffmpeg.getAvailableEncoders((error, encoders) => {
      if (error) reject(new Error(`ffmpeg-adapter: \`ffmpeg -encoders\` failed: ${error.message}. Fix: check the ffmpeg binary (FFMPEG_PATH).`, { cause: error }));
      else resolve(new Set(Object.entries(encoders).filter(([, info]) => info.type === 'video').map(([name]) => name)));
    });
  }).catch((error: unknown) => {
    encoderCache = undefined;
    throw error;
  });
  return encoderCache;
}

/** The encoder `auto` stands for: libx264 when present, else mpeg4. */
export async function defaultVideoEncoder(): Promise<string> {
  const encoders = await listVideoEncoders();
  if (encoders.has('libx264')) return 'libx264';
  if (encoders.has('mpeg4')) return 'mpeg4';
  throw new Error(
    'ffmpeg-adapter: this ffmpeg has neither libx264 nor mpeg4 to write video. Fix: install a full ffmpeg build ' +
      '(`apt-get install ffmpeg` or `npm install @ffmpeg-installer/ffmpeg`) or pass codec: \'ffv1\' with a .mkv path.',
  );
}

/**
 * Encodes raw frames (each `height * width * channels` bytes, channels-last `rgb24` or `gray`)
 * into a video file by piping them into ffmpeg's stdin. The output is written by ffmpeg to `path`
 * directly (seekable, so mp4 needs no fragmenting flags).
 */
export async function encodeVideo(
  file: string,
  frames: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  options: EncodeVideoOptions,
): Promise<EncodedVideo> {
  const path = resolvePath(file);
  const { width, height } = options;
  if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
    throw new RangeError(`encodeVideo(${path}): width and height must be positive integers, got ${width}x${height}.`);
  }
  const pixelFormat = options.pixelFormat ?? 'rgb';
  const channels = pixelFormat === 'rgb' ? 3 : 1;
  const fps = options.fps ?? 10;
  if (!(fps > 0) || !Number.isFinite(fps)) throw new RangeError(`encodeVideo(${path}): fps must be a positive number, got ${fps}.`);
  const codec = !options.codec || options.codec === 'auto' ? await defaultVideoEncoder() : options.codec;
  const yuv = codec === 'libx264' || codec === 'mpeg4';
  if (yuv && (width % 2 !== 0 || height % 2 !== 0)) {
    throw new RangeError(
      `encodeVideo(${path}): ${codec} writes yuv420p, which needs even sizes, got ${width}x${height}. ` +
        "Fix: use an even width and height, or codec: 'ffv1' (lossless, .mkv).",
    );
  }
  const codecOptions: string[] = ['-c:v', codec];
  if (codec === 'libx264') codecOptions.push('-preset', 'veryfast', '-crf', String(options.quality ?? 18), '-pix_fmt', 'yuv420p');
  else if (codec === 'mpeg4') codecOptions.push('-q:v', String(options.quality ?? 2), '-pix_fmt', 'yuv420p');

  const frameBytes = width * height * channels;
  let count = 0;
  async function* checked(): AsyncGenerator<Uint8Array> {
    for await (const frame of frames as AsyncIterable<Uint8Array>) {
      if (frame.length !== frameBytes) {
        throw new RangeError(
          `encodeVideo(${path}): frame ${count} holds ${frame.length} bytes but ${width}x${height}x${channels} = ${frameBytes}. ` +
            'Fix: pass channels-last uint8 frames of the declared size and pixelFormat.',
        );
      }
      count++;
      yield frame;
    }
  }
  const input = Readable.from(checked(), { objectMode: false });
  let inputError: Error | undefined;
  input.on('error', (error: Error) => {
    inputError = error;
  });
  try {
    await runFfmpeg({
      subject: path,
      input,
      inputOptions: ['-hide_banner', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', pixelFormat === 'rgb' ? 'rgb24' : 'gray', '-s', `${width}x${height}`, '-r', String(fps)],
      outputOptions: ['-an', ...codecOptions, ...(options.outputOptions ?? [])],
      output: path,
      signal: options.signal,
    });
  } catch (error) {
    if (inputError) throw inputError;
    if (count === 0) throw new RangeError(`encodeVideo(${path}): no frames given; pass at least one.`);
    if (error instanceof VideoDecodeError && error.failure !== 'aborted') {
      throw new Error(
        `encodeVideo(${path}): ffmpeg failed to write the ${codec} video: ${error.detail}` +
          (error.stderrTail ? `\nffmpeg stderr (last lines):\n${error.stderrTail}` : '') +
          "\nFix: check the output folder exists and is writable, and that the codec suits the container (ffv1 needs .mkv).",
        { cause: error },
      );
    }
    throw error;
  }
  if (inputError) throw inputError;
  if (count === 0) throw new RangeError(`encodeVideo(${path}): no frames given; pass at least one.`);
  return { path, codec, frames: count };
}

/** Converts a `[T, H, W, C]` clip in `0..1` into uint8 frames (rounded, clamped) for {@link encodeVideo}. */
export function* clipToRawFrames(clip: VideoClip): Generator<Uint8Array> {
  const size = clip.height * clip.width * clip.channels;
  for (let t = 0; t < clip.frames; t++) {
    const frame = new Uint8Array(size);
    const base = t * size;
    for (let i = 0; i < size; i++) {
      const value = Math.round(clip.data[base + i] * 255);
      frame[i] = value < 0 ? 0 : value > 255 ? 255 : value;
    }
    yield frame;
  }
}
