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

/** Options of one {@link Encoder.encode} call. */
export interface EncodeOptions {
  /**
   * Which tokens may attend to which, passed to every block: 1 where query token `i` may attend
   * to key token `j`, 0 elsewhere. `[N', N']` (one mask for every row) or `[B', N', N']` (one per
   * row), over the tokens the blocks see: `N' = N` and `B' = B` without `keep`, `N' = K` and
   * `B' = B * keep.length` with it. See `blockCausalMask` for attention that is causal over time.
   */
  readonly attentionMask?: tf.Tensor;
}

/**
 * Turns raw input into tokens on a grid.
 *
 * Shape legend: `B` batch, `N` tokens, `D` width, `K` kept tokens.
 */
export interface Encoder<Input> {
  /** Width `D` of the output tokens. */
  readonly embedDim: number;
  /** The token grid of a full input (e.g. `[H/p, W/p]`); `N` is its product. */
  readonly grid: Grid;
  /**
   * @param keep optional token index sets, each `[B, K]`: the blocks see only these tokens
   * @param options e.g. an attention mask over the tokens the blocks see
   * @returns `[B, N, D]`, or `[B * keep.length, K, D]` when `keep` picks tokens (official
   *   `apply_masks` order: all samples for the first index set, then for the second, ...).
   */
  encode(input: Input, keep?: TokenIndex[], options?: EncodeOptions): tf.Tensor3D;
}

/**
 * Predicts target-token representations from context tokens. `Condition` is whatever else one
 * call needs and the objective passes through without reading it: the mask-token choice and
 * attention mask of the JEPA predictor (`JepaPredictorCondition`), actions of a world model, ...
 * Predictors that need nothing keep the default `undefined`.
 *
 * Shape legend: `B` batch, `D` width, `Kc` context tokens, `Kt` target tokens.
 */
export interface Predictor<Condition = undefined> {
  /**
   * @param context `[B * contextIndex.length, Kc, D]` context encoder output
   * @param contextIndex where the context tokens sit on the grid, each `[B, Kc]`
   * @param targetIndex where to predict, each `[B, Kt]`
   * @param condition optional extra input of this call (see the interface)
   * @returns `[B * contextIndex.length * targetIndex.length, Kt, D]`: target set major, then
   *   context set, then sample (the official predictor's order)
   */
  predict(context: tf.Tensor3D, contextIndex: TokenIndex[], targetIndex: TokenIndex[], condition?: Condition): tf.Tensor3D;
}
