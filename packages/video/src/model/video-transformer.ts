import type * as tf from '@tensorflow/tfjs';
import { createVitEncoder, type TransformerEncoder, type VitSize } from '@jepa/core';
import { TubeletEmbed } from './tubelet-embed.js';

/** A video ViT encoder: clips `[B, T, H, W, C]` to tokens `[B, N, D]` on the grid `[T/t, H/p, W/p]`. */
export type VideoTransformer = TransformerEncoder<tf.Tensor5D>;

/**
 * Everything needed to build a video ViT (official V-JEPA `VisionTransformer` with
 * `num_frames > 1`). Sizes can come from a preset: `{ ...VIT_PRESETS.large, numFrames: 16, ... }`.
 */
export interface VideoTransformerOptions extends VitSize {
  /** Frames per clip `T` (official V-JEPA: 16). */
  readonly numFrames: number;
  /** Frames per tubelet `t`. Default 2 (every released V-JEPA model). */
  readonly tubeletSize?: number;
  /** Side of the square frames in pixels (official: 224). */
  readonly imageSize: number;
  /** Side of a tubelet in pixels (official: 16). */
  readonly patchSize: number;
  /** Default 3. */
  readonly inChannels?: number;
  /** Default true. */
  readonly qkvBias?: boolean;
  /** Default 1e-6. */
  readonly layerNormEps?: number;
  /**
   * V-JEPA's `uniform_power` 3-D sin-cos split (equal thirds for time, height and width). Default
   * true, as in every released V-JEPA config (the official class defaults to false).
   */
  readonly uniformPower?: boolean;
  /** Std of the tubelet projection's initial weights (default 0.02, official); see `fanInTubeletInitStd`. */
  readonly patchEmbedInitStd?: number;
}

/**
 * Builds a video ViT with the official parameter names (`patch_embed.proj.*` with a Conv3d weight
 * `[D, C, t, p, p]` in PyTorch layout, `pos_embed`, `blocks.i.*`, `norm.*`) and the fixed 3-D
 * sin-cos positions. Checks the sizes at once.
 */
export function createVideoTransformer(options: VideoTransformerOptions): VideoTransformer {
  const embedding = new TubeletEmbed({
    numFrames: options.numFrames,
    tubeletSize: options.tubeletSize ?? 2,
    imageSize: options.imageSize,
    patchSize: options.patchSize,
    inChannels: options.inChannels ?? 3,
    embedDim: options.embedDim,
    initStd: options.patchEmbedInitStd,
  });
  return createVitEncoder(embedding, options, 'VideoTransformer');
}
