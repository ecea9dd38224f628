import * as tf from '@tensorflow/tfjs';
import { Linear, Module, patchify3d, type Grid, type TokenEmbedding } from '@jepa/core';

/** Sizes of a {@link TubeletEmbed}. */
export interface TubeletEmbedOptions {
  /** Frames per clip `T`. */
  readonly numFrames: number;
  /** Frames per tubelet `t` (official V-JEPA: 2). */
  readonly tubeletSize: number;
  /** Side of the square frames, in pixels. */
  readonly imageSize: number;
  /** Side of a tubelet, in pixels `p`. */
  readonly patchSize: number;
  /** Channels `C` of the frames. */
  readonly inChannels: number;
  /** Token width `D`. */
  readonly embedDim: number;
  /**
   * Std of the projection's initial weights. Default 0.02 (official). With few values per tubelet
   * (small grey tubelets) the projected content starts far below the +-1 sin-cos positions; see
   * {@link fanInTubeletInitStd}.
   */
  readonly initStd?: number;
}

/**
 * `1 / sqrt(t * p * p * C)`: a tubelet-projection init std that gives projected content about unit
 * scale for unit-scale pixels, on par with the sin-cos positions.
 */
export function fanInTubeletInitStd(tubeletSize: number, patchSize: number, inChannels: number): number {
  return 1 / Math.sqrt(tubeletSize * patchSize * patchSize * inChannels);
}

/**
 * Clips `[B, T, H, W, C]` to tubelet tokens `[B, N, D]` on the grid `[T/t, H/p, W/p]`: V-JEPA's
 * `PatchEmbed3D`, a stride-`(t, p, p)` Conv3d written as patchify + matMul (so it trains on wasm).
 * Its weight is PyTorch's `patch_embed.proj.weight` `[D, C, t, p, p]`, converted on import/export
 * only.
 *
 * Shape legend: `B` batch, `T` frames, `H`/`W` pixels, `C` channels, `N` tubelets, `D` width.
 */
export class TubeletEmbed extends Module implements TokenEmbedding<tf.Tensor5D> {
  readonly grid: Grid;
  readonly embedDim: number;
  /** The tubelet projection `[t * p * p * C, D]` (`proj`; PyTorch `[D, C, t, p, p]`). */
  readonly proj: Linear;

  /** @param options Sizes and init; see {@link TubeletEmbedOptions}. */
  constructor(readonly options: TubeletEmbedOptions) {
    super();
    const { numFrames, tubeletSize, imageSize, patchSize, inChannels, embedDim } = options;
    for (const [key, value] of Object.entries({ numFrames, tubeletSize, imageSize, patchSize, inChannels, embedDim })) {
      if (!Number.isInteger(value) || value <= 0) throw new Error(`TubeletEmbed: ${key} must be a positive integer, got ${value}.`);
    }
    if (options.initStd !== undefined && !(options.initStd > 0)) throw new Error(`TubeletEmbed: initStd must be positive, got ${options.initStd}.`);
    if (numFrames % tubeletSize !== 0) {
      throw new Error(`TubeletEmbed: tubelet size ${tubeletSize} does not divide the ${numFrames} frames per clip; use numFrames a multiple of ${tubeletSize} or tubeletSize one of ${divisors(numFrames).join(', ')}.`);
    }
    if (imageSize % patchSize !== 0) {
      throw new Error(`TubeletEmbed: patch size ${patchSize} does not divide image size ${imageSize}; pick a patch size that divides it (${divisors(imageSize).join(', ')}) or resize the frames.`);
    }
    const side = imageSize / patchSize;
    this.grid = [numFrames / tubeletSize, side, side];
    this.embedDim = embedDim;
    this.proj = this.addModule('proj', new Linear(tubeletSize * patchSize * patchSize * inChannels, embedDim, {
      layout: { kind: 'conv', kernel: [tubeletSize, patchSize, patchSize], inChannels },
      initStd: options.initStd,
    }));
  }

  /** @param clips `[B, T, H, W, C]` channels last @returns `[B, N, D]` */
  embed(clips: tf.Tensor5D): tf.Tensor3D {
    const { numFrames, imageSize, inChannels, tubeletSize, patchSize } = this.options;
    const [, frames, h, w, c] = clips.shape;
    if (clips.rank !== 5 || frames !== numFrames || h !== imageSize || w !== imageSize || c !== inChannels) {
      throw new Error(
        `TubeletEmbed: expected clips [B, ${numFrames}, ${imageSize}, ${imageSize}, ${inChannels}] (channels last), got [${clips.shape.join(', ')}]` +
          (clips.rank === 5 && clips.shape[1] === inChannels ? '; PyTorch clips [B, C, T, H, W] need tf.transpose(clips, [0, 2, 3, 4, 1]).' : '.'),
      );
    }
    return tf.tidy(() => this.proj.apply(patchify3d(clips, tubeletSize, patchSize)));
  }
}

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}
