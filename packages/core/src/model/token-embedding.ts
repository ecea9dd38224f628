import type * as tf from '@tensorflow/tfjs';
import type { Module } from '../nn/module.js';
import type { Grid } from './contracts.js';

/** The modality-specific first layer of an encoder: raw input to tokens `[B, N, D]` on `grid`. */
export interface TokenEmbedding<Input> extends Module {
  readonly grid: Grid;
  readonly embedDim: number;
  embed(input: Input): tf.Tensor3D;
}
