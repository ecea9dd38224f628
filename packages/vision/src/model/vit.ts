import type * as tf from '@tensorflow/tfjs';
import { createVitEncoder, type TransformerEncoder, type VitSize } from '@jepa/core';
import { PatchEmbed2d, type PatchEmbedOptions } from './patch-embed.js';

/** A ViT encoder: images `[B, H, W, C]` to tokens `[B, N, D]`. */
export type VisionTransformer = TransformerEncoder<tf.Tensor4D>;

/** Everything needed to build a ViT. */
export interface VisionTransformerOptions extends VitSize {
  /** Side of the square input images, in pixels; divisible by `patchSize`. */
  readonly imageSize: number;
  /** Side of a square patch, in pixels. */
  readonly patchSize: number;
  /** Default 3. */
  readonly inChannels?: number;
  /** Bias on the fused qkv projections (default true, official). */
  readonly qkvBias?: boolean;
  /** LayerNorm epsilon (default 1e-6, official). */
  readonly layerNormEps?: number;
  /** Std of the patch projection's initial weights (default 0.02, official); see {@link PatchEmbedOptions}. */
  readonly patchEmbedInitStd?: number;
}

/**
 * Builds a ViT with official parameter names (`patch_embed.proj.*`, `pos_embed`, `blocks.i.*`,
 * `norm.*`). Checks sizes at once: the patch must divide the image and the heads the width.
 */
export function createVisionTransformer(options: VisionTransformerOptions): VisionTransformer {
  const { embedDim } = options;
  if (embedDim % 4 !== 0) {
    throw new Error(`ViT: width ${embedDim} must be divisible by 4 for the 2-D sin-cos positions; use e.g. ${Math.round(embedDim / 4) * 4}.`);
  }
  const embedding = new PatchEmbed2d({
    imageSize: options.imageSize,
    patchSize: options.patchSize,
    inChannels: options.inChannels ?? 3,
    embedDim,
    initStd: options.patchEmbedInitStd,
  });
  return createVitEncoder(embedding, options, 'ViT');
}
