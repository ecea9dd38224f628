import { basename, extname, relative, sep } from 'node:path';
import { resolveVitSize, toFloat32Array, type CheckpointFile, type CheckpointTensor, type HostTensor } from '@jepa/core';
import { findFiles, readSafetensorsFile, type UnreadableFile } from '@jepa/core/node';
import {
  createVideoEncoderFromCheckpoint,
  extractClipFeatures,
  MissingClipFramesError,
  splitVJepaWeights,
  VideoDecodeError,
  VJEPA_KEY_PREFIXES,
  type DecodedClips,
  type VideoTransformer,
  type VJepaArchitecture,
  type VJepaModuleWeights,
  type VJepaTrainingConfig,
} from '@jepa/video';
import {
  DEFAULT_VIDEO_EXTENSIONS,
  VideoClipDataset,
  type LabeledVideoClips,
  type VideoClipOptions,
} from '@jepa/video/node';
import { CliError, toCliError } from '../../cli-error.js';
import type { CliContext } from '../../cli-context.js';
import { normalizationFor, reportWritten, writeFeaturesFile } from '../../report/features-file.js';
import { createItemProgress } from '../../report/item-progress.js';
import type { EmbedFlags, EmbedRequest } from '../model-family.js';

/** The flags of `jepa embed` that the video path reads. */
type EmbedVideoFlags = EmbedFlags;

/** Clips per forward pass when `--batch-size` is not given. */
export const DEFAULT_CLIP_BATCH = 8;

/** The video paragraph of `jepa embed --help`. */
export const EMBED_VIDEOS_HELP = `Videos (V-JEPA checkpoints: a 5-D patch_embed.proj.weight, or a \`jepa train vjepa\` run): one video file or every video
under a folder (recursively: folder by folder, file names sorted; ${DEFAULT_VIDEO_EXTENSIONS.join(' ')})
is decoded through ffmpeg at the model's frames, size and channels: --num-clips clips per video, each centred in
its own segment, of numFrames frames --frame-step apart (default 4, the official sampling_rate) or at about --fps
frames per second; frames resized to cover the model's size and centre-cropped; normalised as images are. A
video's features are averaged over its clips.
Safetensors input: a 'clips' tensor [B, C, T, H, W] preprocessed as PyTorch hands it to the model (only transposed
to channels-last); T gives the frames when the checkpoint cannot tell. Heads: --num-heads, else the run's config,
else a ViT preset.`;

type EncoderModule = 'encoder' | 'target_encoder';

/** The training config recorded in a run checkpoint's manifest when it is a run of `kind` (`jepa train vjepa`). */
export function vjepaRunConfig(file: CheckpointFile, kind: string): VJepaTrainingConfig | undefined {
  const state = (file.manifest?.meta as { state?: { kind?: string; config?: VJepaTrainingConfig } } | undefined)?.state;
  return state?.kind === kind && typeof state.config?.model === 'object' ? state.config : undefined;
}

/**
 * Whether a checkpoint holds a V-JEPA video encoder: a `jepa train vjepa` run checkpoint, or any
 * file whose `patch_embed.proj.weight` is 5-D (`[D, C, t, p, p]`, a Conv3d tubelet embedding).
 */
export function isVideoCheckpoint(file: CheckpointFile, kind: string): boolean {
  if (vjepaRunConfig(file, kind)) return true;
  for (const [key, tensor] of file.tensors) {
    if ((key === 'patch_embed.proj.weight' || key.endsWith('.patch_embed.proj.weight')) && tensor.shape.length === 5) return true;
  }
  return false;
}

/**
 * The V-JEPA modules of a checkpoint; a bare video-encoder state dict (keys `patch_embed.proj.weight`,
 * `blocks.0...`, with or without a wrapper prefix) becomes the module `encoder`.
 */
function videoWeights(file: CheckpointFile): { weights: VJepaModuleWeights; bare: boolean } {
  const weights = splitVJepaWeights(file);
  if (weights.modules.size > 0) return { weights, bare: false };
  const names = [...weights.other.keys()];
  const prefix = VJEPA_KEY_PREFIXES.find((p) => names.every((name) => name.startsWith(p))) ?? '';
  if (!names.includes(`${prefix}patch_embed.proj.weight`)) return { weights, bare: false };
  const encoder = new Map<string, CheckpointTensor>([...weights.other].map(([name, tensor]) => [name.slice(prefix.length), tensor]));
  return {
    weights: { source: file.path, modules: new Map([['encoder', encoder]]), strippedPrefix: new Map([['encoder', prefix]]), other: new Map() },
    bare: true,
  };
}

/** A 'clips' tensor `[B, C, T, H, W]` read from a safetensors file, checked for rank and dtype. */
async function readClipsTensor(path: string): Promise<HostTensor> {
  let tensors: Map<string, HostTensor>;
  try {
    tensors = (await readSafetensorsFile(path)).tensors;
  } catch (error) {
    throw new CliError(`--input: ${(error as Error).message}`);
  }
  const clips = tensors.get('clips');
  if (!clips) {
    const names = [...tensors.keys()];
    throw new CliError(
      `--input ${path}: has no 'clips' tensor (it holds ${names.slice(0, 8).join(', ') || 'no tensors'}). ` +
        "A V-JEPA checkpoint embeds clips: save the preprocessed batch under the name 'clips', shape [B, C, T, H, W].",
    );
  }
  if (clips.shape.length !== 5 || clips.shape.some((d) => !(d > 0))) {
    throw new CliError(`--input ${path}: 'clips' is [${clips.shape.join(', ')}]; expected 5 positive dimensions [B, C, T, H, W] (NCTHW, as PyTorch hands clips to a V-JEPA).`);
  }
  if (!['F32', 'F64', 'F16', 'BF16'].includes(clips.dtype)) {
    throw new CliError(`--input ${path}: 'clips' is ${clips.dtype}; it must be floating-point (normalised pixels). Convert it (e.g. .float()) before saving.`);
  }
  return clips;
}

/**
 * Builds the video encoder: heads from `--num-heads`, else the run's config, else a preset; frames
 * from `--num-frames`, else the run's config, else the checkpoint's sin-cos `pos_embed`, else the
 * `clips` tensor's `T` (`inputFrames`).
 */
function buildEncoder(
  weights: VJepaModuleWeights,
  which: EncoderModule,
  flags: EmbedVideoFlags,
  run: VJepaTrainingConfig | undefined,
  inputFrames: number | undefined,
): { encoder: VideoTransformer; architecture: VJepaArchitecture & { readonly numHeads: number }; framesFrom: string } {
  let runHeads: number | undefined;
  try {
    runHeads = run ? resolveVitSize(run.model.encoder).numHeads : undefined;
  } catch {
    runHeads = undefined;
  }
  const numHeads = flags.numHeads ?? runHeads;
  const numFrames = flags.numFrames ?? run?.model.numFrames;
  const framesFrom = flags.numFrames !== undefined ? '--num-frames' : numFrames !== undefined ? "the run's config" : "the checkpoint's pos_embed";
  try {
    return { ...createVideoEncoderFromCheckpoint(weights, { numHeads, numFrames, which }), framesFrom };
  } catch (error) {
    if (numFrames === undefined && inputFrames !== undefined && error instanceof MissingClipFramesError) {
      try {
        return { ...createVideoEncoderFromCheckpoint(weights, { numHeads, numFrames: inputFrames, which }), framesFrom: "the 'clips' tensor" };
      } catch (retry) {
        throw toCliError(retry);
      }
    }
    throw toCliError(error);
  }
}

/** Whether `path` names a video file by its extension. */
export function isVideoPath(path: string): boolean {
  return DEFAULT_VIDEO_EXTENSIONS.includes(extname(path).toLowerCase());
}

/** The input, as names and a way to compute their features batch by batch. */
interface ClipSource {
  readonly description: string;
  readonly names: string[];
  /** Files left out so far (unreadable, with --skip-corrupt). */
  readonly skipped: ReadonlyArray<{ file: string; reason: string }>;
  /** Calls `onFeatures` with `[n, D]` features of the next `n` items and their names, in order. */
  run(onFeatures: (features: Float32Array, names: string[]) => void): Promise<void>;
  /** Recorded with the features (sampling, normalisation), undefined entries left out. */
  readonly objects: Record<string, unknown>;
}

/** A clip holder for {@link extractClipFeatures} (labels and paths are not used there). */
function asDecodedClips(data: Float32Array, count: number, numFrames: number, height: number, width: number, channels: number): DecodedClips {
  return { data, count, numFrames, height, width, channels, labels: new Int32Array(count), sampleIndices: new Int32Array(count), paths: [] };
}

/** A preprocessed `clips` tensor `[B, C, T, H, W]`, checked against the model, transposed to channels-last batch by batch. */
function tensorSource(path: string, clips: HostTensor, encoder: VideoTransformer, architecture: VJepaArchitecture, batchSize: number): ClipSource {
  const { numFrames, imageSize: size, inChannels: channels } = architecture.encoder;
  const [count, c, t, h, w] = clips.shape as [number, number, number, number, number];
  if (c !== channels || t !== numFrames || h !== size || w !== size) {
    throw new CliError(
      `--input ${path}: 'clips' is [${clips.shape.join(', ')}], but the model takes [B, ${channels}, ${numFrames}, ${size}, ${size}] (NCTHW, as PyTorch). ` +
        `Sample ${numFrames} frames, resize/crop them to ${size} x ${size} with ${channels} channels in your pipeline.`,
    );
  }
  const names = Array.from({ length: count }, (_, i) => `clips[${i}]`);
  return {
    description: `clips [${clips.shape.join(', ')}] of ${path} (preprocessed, only transposed to channels-last)`,
    names,
    skipped: [],
    objects: {},
    async run(onFeatures) {
      const values = toFloat32Array(clips);
      const plane = h * w;
      const perClip = c * t * plane;
      for (let start = 0; start < count; start += batchSize) {
        const n = Math.min(batchSize, count - start);
        // [n, C, T, H, W] -> [n, T, H, W, C]
        const channelsLast = new Float32Array(n * perClip);
        for (let b = 0; b < n; b++) {
          const from = (start + b) * perClip;
          for (let k = 0; k < c; k++) {
            for (let f = 0; f < t; f++) {
              const src = from + (k * t + f) * plane;
              const dst = b * perClip + f * plane * c + k;
              for (let p = 0; p < plane; p++) channelsLast[dst + p * c] = values[src + p]!;
            }
          }
        }
        onFeatures(await extractClipFeatures(encoder, asDecodedClips(channelsLast, n, t, h, w, c), { batchSize: n }), names.slice(start, start + n));
      }
    },
  };
}

/**
 * A video file or the videos under a folder, decoded at the model's clip size through a {@link VideoClipDataset}
 * (centred clips, `--num-clips` per video, `--frame-step` or `--fps`), normalised, encoded `batchSize` clips at a time.
 */
async function videoSource(
  input: string,
  isFolder: boolean,
  encoder: VideoTransformer,
  architecture: VJepaArchitecture,
  normalization: { mean: readonly number[]; std: readonly number[] } | undefined,
  flags: EmbedVideoFlags,
  frameStepDefault: number,
): Promise<ClipSource> {
  const { numFrames, imageSize: size, inChannels: channels } = architecture.encoder;
  if (channels !== 1 && channels !== 3) {
    throw new CliError(`--input ${input}: the model takes ${channels}-channel clips; videos decode to 1 (grey) or 3 (RGB) channels. Pass a .safetensors file with a 'clips' tensor instead.`);
  }
  if (flags.frameStep !== undefined && flags.fps !== undefined) throw new CliError('--frame-step and --fps both choose how frames are spaced; give one of them.');
  const unreadable: UnreadableFile[] = [];
  const files = isFolder ? await findFiles(input, DEFAULT_VIDEO_EXTENSIONS, { skipUnreadable: flags.skipCorrupt === true, unreadable, fileKind: 'video' }) : [input];
  if (files.length === 0) throw new CliError(`--input ${input}: no video files (${DEFAULT_VIDEO_EXTENSIONS.join(', ')}) in the folder or its subfolders.`);
  const nameOf = (path: string) => (isFolder ? relative(input, path).split(sep).join('/') : basename(path));
  const numClips = flags.numClips ?? 1;
  const sampling: VideoClipOptions = {
    numFrames,
    ...(flags.fps !== undefined ? { targetFps: flags.fps } : { frameStep: flags.frameStep ?? frameStepDefault }),
    numClips,
    size,
    pixelFormat: channels === 1 ? 'gray' : 'rgb',
  };
  let dataset: VideoClipDataset;
  try {
    dataset = new VideoClipDataset(files.map((path) => ({ path, label: 0 })), ['video'], { ...sampling, skipCorrupt: flags.skipCorrupt === true }, `--input ${input}`);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const batchSize = flags.batchSize ?? DEFAULT_CLIP_BATCH;
  const spacing = flags.fps !== undefined ? `about ${flags.fps} frames/s` : `frame step ${sampling.frameStep}`;
  return {
    description:
      `${isFolder ? `${files.length} videos under ${input}` : input}: ${numClips} centred clip${numClips > 1 ? 's' : ''} of ${numFrames} frames per video ` +
      `(${spacing}), ${size} x ${size} ${channels === 1 ? 'grey' : 'RGB'}`,
    names: files.map(nameOf),
    get skipped() {
      return [...unreadable, ...dataset.skipped].map((skip) => ({ file: nameOf(skip.path), reason: skip.reason }));
    },
    objects: {
      sampling: { ...sampling, placement: 'center', spacing: 'linspace', shortVideo: 'pad', resize: 'cover', featuresPerVideo: numClips > 1 ? `mean over the ${numClips} clips` : 'one clip' },
      normalization,
    },
    async run(onFeatures) {
      let pending: LabeledVideoClips[] = [];
      const flush = async () => {
        if (pending.length === 0) return;
        const clips = pending.flatMap((video) => video.clips);
        const first = clips[0]!;
        const per = first.data.length;
        const data = new Float32Array(clips.length * per);
        clips.forEach((clip, i) => data.set(clip.data, i * per));
        const perClip = await extractClipFeatures(encoder, asDecodedClips(data, clips.length, first.frames, first.height, first.width, first.channels), { batchSize: clips.length, normalization });
        const dim = encoder.embedDim;
        const perVideo = new Float32Array(pending.length * dim);
        // The official multi-clip evaluation averages the clips' outputs of a video.
        for (let v = 0; v < pending.length; v++) {
          for (let k = 0; k < numClips; k++) {
            const row = (v * numClips + k) * dim;
            for (let d = 0; d < dim; d++) perVideo[v * dim + d] += perClip[row + d]! / numClips;
          }
        }
        onFeatures(perVideo, pending.map((video) => nameOf(files[video.index]!)));
        pending = [];
      };
      try {
        for await (const video of dataset.clips({ placement: 'center' })) {
          pending.push(video);
          if (pending.length * numClips >= batchSize) await flush();
        }
        await flush();
      } catch (error) {
        if (error instanceof VideoDecodeError) throw new CliError(`${error.message.replace(/(,|;)? (or )?skip such files with skipCorrupt: true/, '')}\n(or pass --skip-corrupt to leave such files out)`, 1, { cause: error });
        throw error;
      }
    },
  };
}

/**
 * `jepa embed` with a V-JEPA checkpoint (see {@link isVideoCheckpoint}): the video encoder of the
 * checkpoint over every video of a folder (or one video file, or a preprocessed `clips` tensor),
 * tokens averaged over the whole tubelet grid (and over the clips of a video), written as `features`.
 */
export async function embedVideos(request: EmbedRequest, context: CliContext, kind: string): Promise<void> {
  const { file, input, inputKind, out, flags } = request;
  const { io } = context;
  const log = io.stderr;
  const which: EncoderModule = flags.encoder === 'context' ? 'encoder' : 'target_encoder';
  const run = vjepaRunConfig(file, kind);
  const { weights, bare } = videoWeights(file);
  const clipsTensor = inputKind === 'tensor' ? await readClipsTensor(input) : undefined;
  const { encoder, architecture, framesFrom } = buildEncoder(weights, bare ? 'encoder' : which, flags, run, clipsTensor?.shape[2]);
  const module = bare ? 'encoder' : which;
  try {
    const e = architecture.encoder;
    const { normalization, reason } = normalizationFor(file, e.inChannels);
    const source = clipsTensor
      ? tensorSource(input, clipsTensor, encoder, architecture, flags.batchSize ?? DEFAULT_CLIP_BATCH)
      : await videoSource(input, inputKind === 'folder', encoder, architecture, normalization, flags, run?.frameStep ?? 4);
    log.write(
      `encoder: ${bare ? 'encoder (bare state dict)' : module} of ${file.path} (video ViT ${e.embedDim}x${e.depth}, ${architecture.numHeads} heads, ` +
        `tubelet ${e.tubeletSize}x${e.patchSize}x${e.patchSize}, clip ${e.numFrames}x${e.imageSize}x${e.imageSize} (frames from ${framesFrom}), grid ${e.grid.join('x')})\n` +
        `input: ${source.description}${clipsTensor ? '' : `; normalisation: ${reason}`}\n`,
    );
    const dim = encoder.embedDim;
    const features = new Float32Array(source.names.length * dim);
    const names: string[] = [];
    const progress = createItemProgress(flags.progress, io.stderr, 'embed', source.names.length, clipsTensor ? 'clips' : 'videos');
    try {
      await source.run((batch, batchNames) => {
        features.set(batch, names.length * dim);
        names.push(...batchNames);
        progress.update(names.length + source.skipped.length);
      });
    } finally {
      progress.stop();
    }
    const numClips = flags.numClips ?? 1;
    const sidecar = await writeFeaturesFile(out, {
      features,
      dim,
      names,
      info: {
        checkpoint: file.path,
        encoder: module,
        pooling: `mean over the tubelet-grid tokens of the encoder output${!clipsTensor && numClips > 1 ? `, then over the ${numClips} clips of each video` : ''}`,
        input,
      },
      objects: {
        model: { ...e, grid: [...e.grid], numHeads: architecture.numHeads },
        ...source.objects,
        skipped: source.skipped.length > 0 ? source.skipped : undefined,
      },
    });
    reportWritten(io, out, sidecar, { names, dim, module, unit: clipsTensor ? 'clip' : 'video', skipped: source.skipped });
  } finally {
    encoder.dispose();
  }
}
