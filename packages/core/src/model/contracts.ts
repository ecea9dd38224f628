import type * as tf from '@tensorflow/tfjs';

/**
 * A grid of tokens: `[L]` for sequences, `[H, W]` for images, `[T, H, W]` for video. Tokens are
 * numbered in raster order (last axis fastest), as PyTorch's `flatten()` numbers them. The helpers
 * over grids (`numTokens`, `tokenIndex`, ...) live in `masks/token-grid.ts`.
 */
export type TokenGrid = readonly number[];

/** The same as {@link TokenGrid} (the name the model contracts use). */
export type Grid = TokenGrid;

/** Indices into a grid flattened in raster order, one row per sample: `[B, K]` int32. */
export type TokenIndex = tf.Tensor2D;

/**
 * Turns raw input into tokens on a grid.
 *
 * Shape legend: `B` batch, `N` tokens, `D` width, `K` kept tokens.
 */
export interface Encoder<Input> {
  readonly embedDim: number;
  readonly grid: Grid;
  /**
   * @returns `[B, N, D]`, or `[B * keep.length, K, D]` when `keep` picks tokens (official
   * `apply_masks` order: all samples for the first index set, then for the second, ...).
   */
  encode(input: Input, keep?: TokenIndex[]): tf.Tensor3D;
}

/** Predicts target-token representations from context tokens. */
export interface Predictor {
  /**
   * @param context `[B * contextIndex.length, Kc, D]` context encoder output
   * @param contextIndex where the context tokens sit on the grid, each `[B, Kc]`
   * @param targetIndex where to predict, each `[B, Kt]`
   * @param condition optional extra signal (actions, mask-token choice, ...)
   * @returns `[B * contextIndex.length * targetIndex.length, Kt, D]`
   */
  predict(context: tf.Tensor3D, contextIndex: TokenIndex[], targetIndex: TokenIndex[], condition?: PredictorCondition): tf.Tensor3D;
}

/** Extra inputs of a predictor call. */
export interface PredictorCondition {
  /** Which learned mask token to use (V-JEPA: one per mask generator). Default 0. */
  readonly maskTokenIndex?: number;
}
