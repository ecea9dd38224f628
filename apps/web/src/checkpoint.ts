import * as tf from '@tensorflow/tfjs';
import {
  MULTIBLOCK_MASK_DEFAULTS,
  parseCheckpointManifest,
  readCheckpointBlob,
  TorchCheckpointError,
  type CheckpointFile,
  type Encoder,
  type MultiBlockMaskConfig,
} from '@jepa/core';
import { createEncoderFromCheckpoint, IMAGENET_MEAN, IMAGENET_STD, type Normalization } from '@jepa/vision';

/** An image encoder the page embeds with: from a checkpoint, or the model trained in the tab. */
export interface ImageModel {
  /** What it is, for the page (file name and sizes). */
  readonly description: string;
  readonly encoder: Encoder<tf.Tensor4D> & { dispose(): void };
  readonly imageSize: number;
  readonly patchSize: number;
  readonly channels: 1 | 3;
  /** Normalisation of 0..1 pixels the encoder expects (the run's own, ImageNet for RGB, else none). */
  readonly normalization?: Normalization;
  /** The multi-block mask settings it was trained with (a run's own, else the official defaults). */
  readonly masks: Omit<MultiBlockMaskConfig, 'grid'>;
}

type RunConfig = { normalization?: Normalization; masks?: Omit<MultiBlockMaskConfig, 'grid'> };

/** The run config of a `jepa train` checkpoint's manifest (`meta.state.config`), if any. */
function runConfig(file: CheckpointFile): RunConfig | undefined {
  return (file.manifest?.meta as { state?: { config?: RunConfig } } | undefined)?.state?.config;
}

/** A torch file: read only the target encoder of a training checkpoint (its optimizer state can be twice the weights). */
const isTorchName = (name: string) => /\.(pth|pt|tar|ckpt)$/i.test(name);

/**
 * Reads a checkpoint from picked files with the library's browser-safe reader
 * (`readCheckpointBlob`: the file read piece by piece, a torch file's pickle by the data-only
 * machine, nothing executed): an official I-JEPA `.pth.tar`, a bare encoder state dict, an exported
 * `.safetensors`, or a run checkpoint `<name>.safetensors` picked with its manifest `<name>.json`
 * (which records heads, normalisation and masks; checked with `parseCheckpointManifest`).
 */
export async function readPickedCheckpoint(files: readonly File[]): Promise<CheckpointFile> {
  const weights = files.filter((f) => !/\.json$/i.test(f.name));
  if (weights.length !== 1) {
    throw new Error(
      `Pick one checkpoint file (.pth.tar, .pth, .pt or .safetensors), optionally with its manifest .json; got ${weights.length === 0 ? 'none' : weights.map((f) => f.name).join(', ')}.`,
    );
  }
  const picked = weights[0]!;
  let file: CheckpointFile;
  if (isTorchName(picked.name)) {
    try {
      file = await readCheckpointBlob(picked, { only: ['target_encoder'] });
    } catch (error) {
      // A bare state dict or an encoder-only file has no target_encoder group: read it whole.
      if (!(error instanceof TorchCheckpointError && /options\.only/.test(error.message))) throw error;
      file = await readCheckpointBlob(picked);
    }
  } else {
    file = await readCheckpointBlob(picked);
  }
  const manifestName = picked.name.replace(/\.safetensors$/i, '.json');
  const manifestFile = files.find((f) => f.name === manifestName) ?? files.find((f) => /\.json$/i.test(f.name));
  if (!manifestFile || file.format !== 'safetensors') return file;
  const manifest = parseCheckpointManifest(await manifestFile.text(), manifestFile.name);
  if (manifest.tensors.byteLength !== picked.size) {
    throw new Error(`${picked.name} is ${picked.size} bytes but ${manifestFile.name} records ${manifest.tensors.byteLength}: pick the .json written beside this checkpoint.`);
  }
  return { ...file, manifest: manifest as unknown as Record<string, unknown> };
}

/**
 * The target encoder (EMA, the paper's evaluation choice) of a checkpoint, loaded strictly. Heads
 * cannot be read from weights: `numHeads` overrides what the file records or the matching ViT preset.
 */
export function imageModelFromCheckpoint(file: CheckpointFile, numHeads?: number): ImageModel {
  const loaded = createEncoderFromCheckpoint(file, numHeads !== undefined ? { numHeads } : {});
  const size = loaded.architecture.encoder;
  const channels = size.inChannels === 1 ? 1 : 3;
  const config = runConfig(file);
  const recorded = config?.normalization;
  const normalization = recorded && recorded.mean.length === channels ? recorded : channels === 3 ? { mean: [...IMAGENET_MEAN], std: [...IMAGENET_STD] } : undefined;
  const which = loaded.layout === 'bare-encoder' ? 'encoder (bare state dict)' : loaded.module;
  return {
    description:
      `${file.path}: ${which}, ViT ${size.embedDim} wide, ${size.depth} deep, ${loaded.architecture.numHeads} heads, ` +
      `patch ${size.patchSize}, image ${size.imageSize} x ${size.imageSize} x ${size.inChannels}`,
    encoder: loaded.encoder,
    imageSize: size.imageSize,
    patchSize: size.patchSize,
    channels,
    ...(normalization ? { normalization } : {}),
    masks: config?.masks ?? { ...MULTIBLOCK_MASK_DEFAULTS },
  };
}
