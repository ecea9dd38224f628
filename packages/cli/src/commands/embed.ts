import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Option, type Command } from 'commander';
import { type BackendChoice, type HostTensor, initBackend, type ProgressMode, readSafetensorsFile, toFloat32Array } from '@jepa/core';
import { createEncoderFromCheckpoint, decodeImage, DEFAULT_IMAGE_EXTENSIONS, ImageDecodeError, normalizeBatch, type EncoderFromCheckpoint, type Normalization, type VisionTransformer } from '@jepa/vision';
import { DEFAULT_VIDEO_EXTENSIONS } from '@jepa/video';
import { CliError, toCliError } from '../cli-error.js';
import type { CliContext } from '../cli-context.js';
import { integerAtLeast, numberIn } from '../option-parsers.js';
import { readCheckpointArgument } from './checkpoint-argument.js';
import { normalizationFor, reportWritten, writeFeaturesFile } from './embed-features.js';
import { DEFAULT_CLIP_BATCH, embedVideo, isVideoCheckpoint, isVideoPath } from './embed-video.js';
import { createItemProgress } from './item-progress.js';
import { BACKEND_CHOICES, PROGRESS_CHOICES } from './train-ijepa.js';

export { FEATURES_FORMAT } from './embed-features.js';

/** The flags of `jepa embed`. */
export interface EmbedFlags {
  checkpoint: string;
  input: string;
  out: string;
  numHeads?: number;
  encoder: 'target' | 'context';
  /** Default 32 images, or {@link DEFAULT_CLIP_BATCH} clips. */
  batchSize?: number;
  skipCorrupt?: boolean;
  /** Video: frames per clip when the checkpoint cannot tell. */
  numFrames?: number;
  /** Video: frames between sampled frames (official sampling_rate). */
  frameStep?: number;
  /** Video: sample frames at about this rate instead. */
  fps?: number;
  /** Video: clips per video, their features averaged. */
  numClips?: number;
  backend?: BackendChoice;
  progress: ProgressMode;
}

/** Images per forward pass when `--batch-size` is not given. */
const DEFAULT_IMAGE_BATCH = 32;

const EXAMPLES = `
Examples:
  $ jepa embed --checkpoint IN1K-vit.h.14-300e.pth.tar --input photos/ --out features.safetensors
  $ jepa embed --checkpoint ../shared/fixtures/ijepa-tiny/checkpoint.pth.tar --num-heads 3 --input photos/ --out tiny.safetensors
  $ jepa embed --checkpoint runs/photos --input batch.safetensors --out features.safetensors --encoder context
  $ jepa embed --checkpoint vitl16.pth.tar --input videos/ --out video-features.safetensors --frame-step 4 --num-clips 2
  $ jepa embed --checkpoint runs/mm --input runs/mm/data/test/videos --out mm-test.safetensors
  $ jepa embed --checkpoint ../shared/fixtures/vjepa-tiny/checkpoint.pth.tar --num-heads 3 --input clips.safetensors --out clips-features.safetensors

Images (I-JEPA checkpoints): every image under a folder (recursively, sorted by path) is decoded, its shorter side
resized to the model's image size and the centre square cropped, then normalised (ImageNet mean/std for RGB models,
or the run's own normalisation for checkpoints of this library). Safetensors input: an 'images' tensor [B, C, H, W]
already preprocessed by your pipeline (as PyTorch hands it to the model): only transposed to channels-last.

Videos (V-JEPA checkpoints: a 5-D patch_embed.proj.weight, or a \`jepa train vjepa\` run): one video file or every video
under a folder (recursively, sorted; ${DEFAULT_VIDEO_EXTENSIONS.join(' ')})
is decoded through ffmpeg at the model's frames, size and channels: --num-clips clips per video, each centred in
its own segment, of numFrames frames --frame-step apart (default 4, the official sampling_rate) or at about --fps
frames per second; frames resized to cover the model's size and centre-cropped; normalised as images are. A
video's features are averaged over its clips.
Safetensors input: a 'clips' tensor [B, C, T, H, W] preprocessed as PyTorch hands it to the model (only transposed
to channels-last); T gives the frames when the checkpoint cannot tell. Heads: --num-heads, else the run's config,
else a ViT preset.

The output holds 'features' [n, D] (float32, the encoder's tokens averaged, as the I-JEPA evaluation does; for
video over the whole tubelet grid); the names are in its metadata ("files", JSON) and in a sidecar <out>.json.`;

/** Registers `jepa embed`. */
export function registerEmbed(program: Command, context: CliContext): Command {
  return program
    .command('embed')
    .summary('average-pooled encoder features of images or videos (or a preprocessed tensor), as safetensors')
    .description(
      'Run the frozen encoder of a checkpoint (an official I-JEPA or V-JEPA .pth.tar, a bare encoder state dict, an export, or a run of this ' +
        'library) over every image of a folder, every video of a folder (or one video), or an already preprocessed images/clips tensor, ' +
        'and write the average-pooled features.',
    )
    .requiredOption('--checkpoint <file>', '.pth.tar / .pth / .safetensors checkpoint, a run folder, or a run checkpoint\'s .json')
    .requiredOption(
      '--input <dir|file>',
      "a folder of images (I-JEPA) or videos (V-JEPA), a video file, or a .safetensors file with an 'images' [B, C, H, W] or 'clips' [B, C, T, H, W] tensor (preprocessed)",
    )
    .requiredOption('--out <file>', 'the .safetensors file to write (overwritten)')
    .option('--num-heads <n>', 'encoder attention heads, when the checkpoint matches no preset and does not record them', integerAtLeast(1))
    .addOption(new Option('--encoder <which>', 'target: the EMA target encoder (the paper\'s evaluation choice); context: the context encoder').choices(['target', 'context']).default('target'))
    .option('--batch-size <n>', `images (default ${DEFAULT_IMAGE_BATCH}) or clips (default ${DEFAULT_CLIP_BATCH}) per forward pass`, integerAtLeast(1))
    .option('--skip-corrupt', 'folder input: skip images or videos that fail to decode (listed in the output metadata) instead of stopping')
    .option('--num-frames <n>', 'video: frames per clip, when the checkpoint cannot tell (its pos_embed is no sin-cos table)', integerAtLeast(1))
    .option('--frame-step <n>', 'video: frames between sampled frames (the official sampling_rate; default 4)', integerAtLeast(1))
    .option('--fps <x>', 'video: sample frames at about this rate instead of --frame-step', numberIn(0))
    .option('--num-clips <n>', 'video: clips per video (each centred in its own segment), features averaged over them', integerAtLeast(1), 1)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (default: $JEPA_BACKEND, else auto)').choices(BACKEND_CHOICES))
    .addOption(new Option('--progress <mode>', 'progress display: a bar on a terminal, plain lines in logs').choices(PROGRESS_CHOICES).default('auto'))
    .addHelpText('after', EXAMPLES)
    .action(async (flags: EmbedFlags) => {
      await embed(flags, context);
    });
}

/** Image files under `root`, recursively, sorted by relative path. */
async function listImages(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && DEFAULT_IMAGE_EXTENSIONS.includes(extname(entry.name).toLowerCase())) found.push(path);
    }
  };
  await walk(root);
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Average-pooled features of one channels-last batch `[n, H, W, C]`: `[n, D]`. */
async function pooledFeatures(encoder: VisionTransformer, pixels: Float32Array, n: number, size: number, channels: number): Promise<Float32Array> {
  const pooled = tf.tidy(() => tf.mean(encoder.encode(tf.tensor4d(pixels, [n, size, size, channels])), 1));
  try {
    return (await pooled.data()) as Float32Array;
  } finally {
    pooled.dispose();
  }
}

/** What the images of one run are: their names and a way to get them batch by batch (channels-last, ready for the encoder). */
interface ImageSource {
  readonly names: string[];
  readonly description: string;
  /** Pixels of images `[start, start + n)` of `names`, `[n, H, W, C]`; may shrink `names` by skipping (folder input). */
  batches(batchSize: number, onBatch: (pixels: Float32Array, n: number, names: string[]) => Promise<void>): Promise<void>;
  readonly skipped: Array<{ file: string; reason: string }>;
}

async function folderSource(root: string, loaded: EncoderFromCheckpoint, normalization: Normalization | undefined, skipCorrupt: boolean): Promise<ImageSource> {
  const { imageSize: size, inChannels: channels } = loaded.architecture.encoder;
  if (channels !== 1 && channels !== 3) {
    throw new CliError(`--input ${root}: the model takes ${channels}-channel images; a folder of images gives 1 (greyscale) or 3 (RGB). Pass a .safetensors file with an 'images' tensor instead.`);
  }
  const files = await listImages(root);
  if (files.length === 0) {
    throw new CliError(`--input ${root}: no image files (${DEFAULT_IMAGE_EXTENSIONS.join(', ')}) in the folder or its subfolders.`);
  }
  const skipped: Array<{ file: string; reason: string }> = [];
  const names = (path: string) => relative(root, path).split(sep).join('/');
  return {
    names: files.map(names),
    description: `${files.length} images under ${root}`,
    skipped,
    async batches(batchSize, onBatch) {
      for (let start = 0; start < files.length; start += batchSize) {
        const paths = files.slice(start, start + batchSize);
        const decoded = await Promise.all(paths.map(async (path) => {
          try {
            return await decodeImage(path, { channels, size });
          } catch (error) {
            if (!(error instanceof ImageDecodeError)) throw error;
            if (!skipCorrupt) throw new CliError(`${error.message} (or pass --skip-corrupt to leave such files out)`);
            skipped.push({ file: names(path), reason: error.reason });
            return undefined;
          }
        }));
        const kept = decoded.flatMap((image, i) => (image ? [{ image, name: names(paths[i]!) }] : []));
        if (kept.length === 0) continue;
        const perImage = size * size * channels;
        const pixels = new Float32Array(kept.length * perImage);
        kept.forEach(({ image }, i) => pixels.set(image.data, i * perImage));
        const input = normalization ? normalizeBatch(pixels, kept.length, size, size, channels, normalization) : pixels;
        await onBatch(input, kept.length, kept.map((k) => k.name));
      }
    },
  };
}

async function tensorSource(path: string, loaded: EncoderFromCheckpoint): Promise<ImageSource> {
  const { imageSize: size, inChannels: channels } = loaded.architecture.encoder;
  let images: HostTensor | undefined;
  try {
    images = (await readSafetensorsFile(path)).tensors.get('images');
  } catch (error) {
    throw new CliError(`--input: ${(error as Error).message}`);
  }
  if (!images) {
    const names = [...(await readSafetensorsFile(path)).tensors.keys()];
    throw new CliError(`--input ${path}: has no 'images' tensor (it holds ${names.slice(0, 8).join(', ') || 'no tensors'}). Save the preprocessed batch under the name 'images', shape [B, C, H, W].`);
  }
  const [count, c, h, w] = images.shape;
  if (images.shape.length !== 4 || c !== channels || h !== size || w !== size) {
    throw new CliError(
      `--input ${path}: 'images' is [${images.shape.join(', ')}], but the model takes [B, ${channels}, ${size}, ${size}] (NCHW, as PyTorch). ` +
        `Resize/crop to ${size} x ${size} with ${channels} channels in your pipeline.`,
    );
  }
  if (!['F32', 'F64', 'F16', 'BF16'].includes(images.dtype)) {
    throw new CliError(`--input ${path}: 'images' is ${images.dtype}; it must be floating-point (normalised pixels). Convert it (e.g. .float()) before saving.`);
  }
  const values = toFloat32Array(images);
  const perImage = channels * size * size;
  return {
    names: Array.from({ length: count! }, (_, i) => `images[${i}]`),
    description: `images [${images.shape.join(', ')}] of ${path} (preprocessed, only transposed to channels-last)`,
    skipped: [],
    async batches(batchSize, onBatch) {
      for (let start = 0; start < count!; start += batchSize) {
        const n = Math.min(batchSize, count! - start);
        const nhwc = tf.tidy(() => tf.transpose(tf.tensor4d(values.subarray(start * perImage, (start + n) * perImage), [n, channels, size, size]), [0, 2, 3, 1]));
        let pixels: Float32Array;
        try {
          pixels = (await nhwc.data()) as Float32Array;
        } finally {
          nhwc.dispose();
        }
        await onBatch(pixels, n, Array.from({ length: n }, (_, i) => `images[${start + i}]`));
      }
    },
  };
}

/** `jepa embed`: image checkpoints here, V-JEPA checkpoints in {@link embedVideo}. */
export async function embed(flags: EmbedFlags, context: CliContext): Promise<void> {
  const { io } = context;
  const log = io.stderr;
  const out = resolve(io.cwd, flags.out);
  if (!out.endsWith('.safetensors')) throw new CliError(`--out ${out}: the features are written as safetensors; give the file a .safetensors name.`);
  const input = resolve(io.cwd, flags.input);
  const inputInfo = await stat(input).catch(() => undefined);
  if (!inputInfo || (!inputInfo.isDirectory() && !input.endsWith('.safetensors') && !isVideoPath(input))) {
    throw new CliError(
      `--input ${input}: ${inputInfo ? 'is neither a folder, a video file nor a .safetensors file' : 'no such file or folder'}. ` +
        "Pass a folder of images (or videos), a video file, or a .safetensors file with an 'images' tensor [B, C, H, W] (or 'clips' [B, C, T, H, W]).",
    );
  }
  // Only the encoder asked for is read when the file has it (an official training checkpoint's other modules and optimizer state are skipped).
  const file = await readCheckpointArgument(flags.checkpoint, io.cwd, '--checkpoint', { only: [flags.encoder === 'context' ? 'encoder' : 'target_encoder'] });
  try {
    await initBackend({ backend: flags.backend, env: io.env });
  } catch (error) {
    throw new CliError(`${(error as Error).message} (--backend ${flags.backend ?? io.env.JEPA_BACKEND ?? 'auto'})`);
  }
  const inputKind = inputInfo.isDirectory() ? 'folder' : input.endsWith('.safetensors') ? 'tensor' : 'video';
  if (isVideoCheckpoint(file)) {
    await embedVideo(file, input, inputKind, out, flags, context);
    return;
  }
  if (inputKind === 'video') {
    throw new CliError(`--input ${input}: a video file needs a V-JEPA checkpoint (a 5-D patch_embed.proj.weight); ${file.path} holds an image encoder. Pass a folder of images instead.`);
  }
  const videoOnly = (['numFrames', 'frameStep', 'fps'] as const).filter((key) => flags[key] !== undefined);
  if (videoOnly.length > 0 || (flags.numClips ?? 1) !== 1) {
    const names = [...videoOnly, ...((flags.numClips ?? 1) !== 1 ? ['numClips'] : [])].map((key) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    throw new CliError(`${names.join(', ')}: for V-JEPA checkpoints and videos; ${file.path} holds an image encoder.`);
  }
  let loaded: EncoderFromCheckpoint;
  try {
    loaded = createEncoderFromCheckpoint(file, { numHeads: flags.numHeads, which: flags.encoder === 'context' ? 'encoder' : 'target_encoder' });
  } catch (error) {
    throw toCliError(error);
  }
  const { encoder } = loaded;
  try {
    const e = loaded.architecture.encoder;
    const { normalization, reason } = normalizationFor(file, e.inChannels);
    const source = inputInfo.isDirectory() ? await folderSource(input, loaded, normalization, flags.skipCorrupt === true) : await tensorSource(input, loaded);
    const which = loaded.layout === 'bare-encoder' ? 'encoder (bare state dict)' : loaded.module;
    log.write(
      `encoder: ${which} of ${file.path} (ViT ${e.embedDim}x${e.depth}, ${loaded.architecture.numHeads} heads, patch ${e.patchSize}, image ${e.imageSize})\n` +
        `input: ${source.description}${inputInfo.isDirectory() ? `; normalisation: ${reason}` : ''}\n`,
    );
    const dim = encoder.embedDim;
    const features = new Float32Array(source.names.length * dim);
    const names: string[] = [];
    const progress = createItemProgress(flags.progress, io.stderr, 'embed', source.names.length, 'images');
    let seen = 0;
    try {
      await source.batches(flags.batchSize ?? DEFAULT_IMAGE_BATCH, async (pixels, n, batchNames) => {
        features.set(await pooledFeatures(encoder, pixels, n, e.imageSize, e.inChannels), names.length * dim);
        names.push(...batchNames);
        seen += n;
        progress.update(seen + source.skipped.length);
      });
    } finally {
      progress.stop();
    }
    const sidecar = await writeFeaturesFile(out, {
      features,
      dim,
      names,
      info: { checkpoint: file.path, encoder: loaded.module, pooling: 'mean over tokens of the encoder output', input },
      objects: {
        model: { ...e, numHeads: loaded.architecture.numHeads },
        normalization: normalization && inputInfo.isDirectory() ? normalization : undefined,
        skipped: source.skipped.length > 0 ? source.skipped : undefined,
      },
    });
    reportWritten(io, out, sidecar, { names, dim, module: loaded.module, unit: 'image', skipped: source.skipped });
  } finally {
    encoder.dispose();
  }
}
