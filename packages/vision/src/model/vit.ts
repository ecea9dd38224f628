import type * as tf from '@tensorflow/tfjs';
import { TransformerEncoder } from '@jepa/core';
import { PatchEmbed2d, type PatchEmbedOptions } from './patch-embed.js';

/** Width, depth and heads of a ViT. */
export interface VitSize {
  readonly embedDim: number;
  readonly depth: number;
  readonly numHeads: number;
  readonly mlpRatio?: number;
}

/** The official ViT sizes (facebookresearch/ijepa `vit_tiny` ... `vit_giant`). */
export const VIT_PRESETS = {
  tiny: { embedDim: 192, depth: 12, numHeads: 3 },
  small: { embedDim: 384, depth: 12, numHeads: 6 },
  base: { embedDim: 768, depth: 12, numHeads: 12 },
  large: { embedDim: 1024, depth: 24, numHeads: 16 },
  huge: { embedDim: 1280, depth: 32, numHeads: 16 },
  giant: { embedDim: 1408, depth: 40, numHeads: 16, mlpRatio: 48 / 11 },
} as const satisfies Record<string, VitSize>;

export type VitPresetName = keyof typeof VIT_PRESETS;

/** A ViT encoder: images `[B, H, W, C]` to tokens `[B, N, D]`. */
export type VisionTransformer = TransformerEncoder<tf.Tensor4D>;

/** Everything needed to build a ViT. */
export interface VisionTransformerOptions extends VitSize {
  readonly imageSize: number;
  readonly patchSize: number;
  /** Default 3. */
  readonly inChannels?: number;
  readonly qkvBias?: boolean;
  readonly layerNormEps?: number;
  /** Std of the patch projection's initial weights (default 0.02, official); see {@link PatchEmbedOptions}. */
  readonly patchEmbedInitStd?: number;
}

/** Resolves a preset name or explicit sizes into a {@link VitSize}. */
export function resolveVitSize(size: VitPresetName | VitSize): VitSize {
  if (typeof size === 'string') {
    const preset = VIT_PRESETS[size];
    if (!preset) throw new Error(`Unknown ViT preset '${size}'; use one of ${Object.keys(VIT_PRESETS).join(', ')} or give embedDim/depth/numHeads.`);
    return preset;
  }
  return size;
}

/**
 * Builds a ViT with official parameter names (`patch_embed.proj.*`, `pos_embed`, `blocks.i.*`,
 * `norm.*`). Checks sizes at once: the patch must divide the image and the heads the width.
 */
export function createVisionTransformer(options: VisionTransformerOptions): VisionTransformer {
  const { embedDim, numHeads } = options;
  if (!Number.isInteger(numHeads) || numHeads <= 0 || embedDim % numHeads !== 0) {
    throw new Error(`ViT: width ${embedDim} is not divisible by ${numHeads} heads; change embedDim or numHeads so that numHeads divides embedDim.`);
  }
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
  try {
    return new TransformerEncoder(embedding, {
      depth: options.depth,
      numHeads,
      mlpRatio: options.mlpRatio ?? 4,
      qkvBias: options.qkvBias ?? true,
      layerNormEps: options.layerNormEps ?? 1e-6,
    });
  } catch (e) {
    embedding.dispose();
    throw e;
  }
}
