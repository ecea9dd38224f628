import * as tf from '@tensorflow/tfjs';
import { Linear, Module, patchify2d, type Grid, type TokenEmbedding } from '@jepa/core';

/** Sizes of a {@link PatchEmbed2d}. */
export interface PatchEmbedOptions {
  /** Side of the square input images, in pixels; divisible by `patchSize`. */
  readonly imageSize: number;
  /** Side `p` of a square patch, in pixels. */
  readonly patchSize: number;
  /** Channels `C` of the images. */
  readonly inChannels: number;
  /** Token width `D`. */
  readonly embedDim: number;
  /**
   * Std of the patch projection's initial weights. Default 0.02 (official). With few input values
   * per patch (e.g. 4x4 greyscale) the projected content starts ~10x smaller than the +-1 sin-cos
   * positions; a larger std (about 1/sqrt(patch*patch*channels)) starts them on par.
   */
  readonly initStd?: number;
}

/**
 * Images `[B, H, W, C]` to patch tokens `[B, N, D]`: a `p x p` stride-`p` convolution written as
 * patchify + matMul. Its weight is PyTorch's `patch_embed.proj.weight` `[D, C, p, p]` (converted
 * on import/export only).
 */
export class PatchEmbed2d extends Module implements TokenEmbedding<tf.Tensor4D> {
  readonly grid: Grid;
  readonly embedDim: number;
  /** The patch projection `[p * p * C, D]` (`proj`; PyTorch `[D, C, p, p]`). */
  readonly proj: Linear;

  /** @param options Sizes and init; see {@link PatchEmbedOptions}. */
  constructor(readonly options: PatchEmbedOptions) {
    super();
    const { imageSize, patchSize, inChannels, embedDim } = options;
    for (const [key, value] of Object.entries({ imageSize, patchSize, inChannels, embedDim })) {
      if (!Number.isInteger(value) || value <= 0) throw new Error(`PatchEmbed2d: ${key} must be a positive integer, got ${value}.`);
    }
    if (imageSize % patchSize !== 0) {
      throw new Error(`PatchEmbed2d: patch size ${patchSize} does not divide image size ${imageSize}; pick a patch size that divides it (e.g. ${divisors(imageSize).join(', ')}) or resize the images.`);
    }
    const side = imageSize / patchSize;
    this.grid = [side, side];
    this.embedDim = embedDim;
    this.proj = this.addModule('proj', new Linear(patchSize * patchSize * inChannels, embedDim, {
      layout: { kind: 'conv', kernel: [patchSize, patchSize], inChannels },
      initStd: options.initStd,
    }));
  }

  /** @param images `[B, H, W, C]` @returns `[B, N, D]` */
  embed(images: tf.Tensor4D): tf.Tensor3D {
    const { imageSize, inChannels } = this.options;
    const [, h, w, c] = images.shape;
    if (h !== imageSize || w !== imageSize || c !== inChannels) {
      throw new Error(`PatchEmbed2d: expected images [B, ${imageSize}, ${imageSize}, ${inChannels}] (channels last), got [${images.shape.join(', ')}].`);
    }
    return tf.tidy(() => this.proj.apply(patchify2d(images, this.options.patchSize)));
  }
}

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 2; d < n; d++) if (n % d === 0) out.push(d);
  return out;
}

/**
 * `1 / sqrt(patch * patch * channels)`: a patch-projection init std that gives projected patch
 * content about unit scale for unit-scale pixels, on par with the +-1 sin-cos positions.
 */
export function fanInPatchInitStd(patchSize: number, inChannels: number): number {
  return 1 / Math.sqrt(patchSize * patchSize * inChannels);
}
