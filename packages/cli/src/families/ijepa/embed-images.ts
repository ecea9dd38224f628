import * as tf from '@tensorflow/tfjs';
import { toFloat32Array, type HostTensor, type LabeledImages } from '@jepa/core';
import { findFiles, readSafetensorsFile, type UnreadableFile } from '@jepa/core/node';
import { createEncoderFromCheckpoint, extractFeatures, type EncoderFromCheckpoint } from '@jepa/vision';
import { decodeImage, DEFAULT_IMAGE_EXTENSIONS, ImageDecodeError } from '@jepa/vision/node';
import { relative, sep } from 'node:path';
import { CliError, toCliError } from '../../cli-error.js';
import type { CliContext } from '../../cli-context.js';
import { normalizationFor, reportWritten, writeFeaturesFile } from '../../report/features-file.js';
import { createItemProgress } from '../../report/item-progress.js';
import type { EmbedRequest } from '../model-family.js';

/** Images per forward pass when `--batch-size` is not given. */
export const DEFAULT_IMAGE_BATCH = 32;

/** The image paragraph of `jepa embed --help`. */
export const EMBED_IMAGES_HELP = `Images (I-JEPA checkpoints): every image under a folder (recursively: folder by folder, file names sorted) is decoded, its shorter side
resized to the model's image size and the centre square cropped, then normalised (ImageNet mean/std for RGB models,
or the run's own normalisation for checkpoints of this library). Safetensors input: an 'images' tensor [B, C, H, W]
already preprocessed by your pipeline (as PyTorch hands it to the model): only transposed to channels-last.`;

/** A batch of unlabelled images as the `LabeledImages` that `extractFeatures` takes. */
function asImages(pixels: Float32Array, count: number, size: number, channels: number): LabeledImages {
  return { images: pixels, labels: new Int32Array(count), count, height: size, width: size, channels, classNames: [''] };
}

/** What the images of one run are: their names and a way to get them batch by batch (channels-last, ready for the encoder). */
interface ImageSource {
  readonly names: string[];
  readonly description: string;
  /** Pixels of images `[start, start + n)` of `names`, `[n, H, W, C]` (not yet normalised); may shrink `names` by skipping (folder input). */
  batches(batchSize: number, onBatch: (pixels: Float32Array, n: number, names: string[]) => Promise<void>): Promise<void>;
  readonly skipped: Array<{ file: string; reason: string }>;
}

async function folderSource(root: string, loaded: EncoderFromCheckpoint, skipCorrupt: boolean): Promise<ImageSource> {
  const { imageSize: size, inChannels: channels } = loaded.architecture.encoder;
  if (channels !== 1 && channels !== 3) {
    throw new CliError(`--input ${root}: the model takes ${channels}-channel images; a folder of images gives 1 (greyscale) or 3 (RGB). Pass a .safetensors file with an 'images' tensor instead.`);
  }
  const unreadable: UnreadableFile[] = [];
  const files = await findFiles(root, DEFAULT_IMAGE_EXTENSIONS, { skipUnreadable: skipCorrupt, unreadable, fileKind: 'image' });
  if (files.length === 0) {
    throw new CliError(`--input ${root}: no image files (${DEFAULT_IMAGE_EXTENSIONS.join(', ')}) in the folder or its subfolders${unreadable.length > 0 ? ` (${unreadable.length} unreadable entries left out)` : ''}.`);
  }
  const names = (path: string) => relative(root, path).split(sep).join('/');
  // Entries that cannot be read (dangling links) count as skipped with --skip-corrupt; without it findFiles refused them.
  const skipped: Array<{ file: string; reason: string }> = unreadable.map(({ path, reason }) => ({ file: names(path), reason }));
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
            if (!skipCorrupt) throw new CliError(`Cannot decode image ${error.path}: ${error.reason}. Fix: check that it is a complete PNG, JPEG, WebP, GIF, TIFF or AVIF image; re-export or remove it (or pass --skip-corrupt to leave such files out).`, 1, { cause: error });
            skipped.push({ file: names(path), reason: error.reason });
            return undefined;
          }
        }));
        const kept = decoded.flatMap((image, i) => (image ? [{ image, name: names(paths[i]!) }] : []));
        if (kept.length === 0) continue;
        const perImage = size * size * channels;
        const pixels = new Float32Array(kept.length * perImage);
        kept.forEach(({ image }, i) => pixels.set(image.data, i * perImage));
        await onBatch(pixels, kept.length, kept.map((k) => k.name));
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

/**
 * `jepa embed` with an image (I-JEPA) encoder: every image under a folder (torchvision order:
 * folder by folder, file names sorted), or a preprocessed `images` tensor, through the frozen
 * encoder; features are the tokens averaged (vision's `extractFeatures`).
 */
export async function embedImages(request: EmbedRequest, context: CliContext): Promise<void> {
  const { file, input, inputKind, out, flags } = request;
  const { io } = context;
  const log = io.stderr;
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
    const folder = inputKind === 'folder';
    const { normalization, reason } = normalizationFor(file, e.inChannels);
    const source = folder ? await folderSource(input, loaded, flags.skipCorrupt === true) : await tensorSource(input, loaded);
    const which = loaded.layout === 'bare-encoder' ? 'encoder (bare state dict)' : loaded.module;
    log.write(
      `encoder: ${which} of ${file.path} (ViT ${e.embedDim}x${e.depth}, ${loaded.architecture.numHeads} heads, patch ${e.patchSize}, image ${e.imageSize})\n` +
        `input: ${source.description}${folder ? `; normalisation: ${reason}` : ''}\n`,
    );
    const dim = encoder.embedDim;
    const features = new Float32Array(source.names.length * dim);
    const names: string[] = [];
    const progress = createItemProgress(flags.progress, io.stderr, 'embed', source.names.length, 'images');
    let seen = 0;
    try {
      await source.batches(flags.batchSize ?? DEFAULT_IMAGE_BATCH, async (pixels, n, batchNames) => {
        // A preprocessed tensor is used as given; decoded files are normalised as the encoder expects.
        const batch = asImages(pixels, n, e.imageSize, e.inChannels);
        features.set(await extractFeatures(encoder, batch, { batchSize: n, normalization: folder ? normalization : undefined }), names.length * dim);
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
        normalization: normalization && folder ? normalization : undefined,
        skipped: source.skipped.length > 0 ? source.skipped : undefined,
      },
    });
    reportWritten(io, out, sidecar, { names, dim, module: loaded.module, unit: 'image', skipped: source.skipped });
  } finally {
    encoder.dispose();
  }
}
