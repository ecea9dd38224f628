import type * as tf from '@tensorflow/tfjs';
import type { Module } from '../nn/module.js';
import type { Grid } from './contracts.js';

/** The modality-specific first layer of an encoder: raw input to tokens `[B, N, D]` on `grid`. */
export interface TokenEmbedding<Input> extends Module {
  /** The token grid of one input; its product is `N`. */
  readonly grid: Grid;
  /** Token width `D`. */
  readonly embedDim: number;
  /** Turns a batch of raw input into tokens `[B, N, D]`, one per grid position in row-major order. */
  embed(input: Input): tf.Tensor3D;
}
