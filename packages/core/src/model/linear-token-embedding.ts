import * as tf from '@tensorflow/tfjs';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import type { Grid } from './contracts.js';
import type { TokenEmbedding } from './token-embedding.js';

/**
 * Embeds a sequence of feature vectors `[B, L, C]` into tokens `[B, L, D]` on the 1-D grid `[L]`
 * (parameter names `proj.weight`, `proj.bias`). The simplest non-image input of a JEPA, and the
 * way a higher level reads a lower level's tokens.
 */
export class LinearTokenEmbedding extends Module implements TokenEmbedding<tf.Tensor3D> {
  readonly grid: Grid;
  /** The projection `C -> D` (`proj`). */
  readonly proj: Linear;

  /**
   * @param length Sequence length `L` (the grid is `[L]`). @param inFeatures Features `C` per position.
   * @param embedDim Token width `D`.
   */
  constructor(readonly length: number, readonly inFeatures: number, readonly embedDim: number) {
    super();
    this.grid = [length];
    this.proj = this.addModule('proj', new Linear(inFeatures, embedDim));
  }

  /** @param x `[B, L, C]` @returns `[B, L, D]` */
  embed(x: tf.Tensor3D): tf.Tensor3D {
    if (x.shape[1] !== this.length || x.shape[2] !== this.inFeatures) {
      throw new Error(`LinearTokenEmbedding: expected [B, ${this.length}, ${this.inFeatures}], got [${x.shape.join(', ')}].`);
    }
    return this.proj.apply(x);
  }
}
