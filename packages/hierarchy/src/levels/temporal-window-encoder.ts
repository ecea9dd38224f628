import * as tf from '@tensorflow/tfjs';
import { Linear, LinearTokenEmbedding, Module, TransformerEncoder, truncatedNormal } from '@jepa/core';

/** How a {@link TemporalWindowEncoder} turns its window's `k` tokens into one latent. */
export type WindowPooling = 'flatten' | 'mean';

/** Sizes of a {@link TemporalWindowEncoder}. */
export interface TemporalWindowEncoderOptions {
  /** Width `D` of the lower level's per-step latents. */
  readonly latentDim: number;
  /** Lower steps per window `k`. */
  readonly stepSkip: number;
  /** Width `E` of the tokens and of the window latent. */
  readonly embedDim: number;
  /** Transformer blocks over the window's tokens (at least 1). */
  readonly depth: number;
  /** Attention heads; must divide `embedDim`. */
  readonly numHeads: number;
  /**
   * `flatten` (default): the `k` normed tokens side by side, then a linear head `[k E] -> E`, which
   * keeps their order (differences between steps are one linear map away); `mean`: their average,
   * then a linear head `E -> E`.
   */
  readonly pooling?: WindowPooling;
  /**
   * Std of the token embedding's initial weights. Default `1 / sqrt(D)` (fan-in): with the official
   * 0.02 a window's content starts far below the +-1 sin-cos positions, every window encodes to
   * nearly the same latent and the EMA target gives the predictor nothing to predict (measured on
   * the toy sequences of the test: target variance across windows 0.007 with 0.02).
   */
  readonly embedInitStd?: number;
}

/**
 * The encoder of a temporal level: a window of `k` lower latents `[M, k, D]` read as tokens on the
 * 1-D grid `[k]` (core `LinearTokenEmbedding`), with core's fixed sin-cos temporal positions and
 * pre-norm transformer blocks (`TransformerEncoder`), pooled into one window latent `[M, E]` by a
 * linear head. It never knows which encoder made the lower latents; it expects them roughly
 * standardised (unit scale per dimension), which the fan-in init of its embedding assumes.
 *
 * Parameter names: `transformer.patch_embed.proj.*`, `transformer.pos_embed`, `transformer.blocks.i.*`,
 * `transformer.norm.*`, `head.*`.
 */
export class TemporalWindowEncoder extends Module {
  /** Width `D` of the lower latents. */
  readonly latentDim: number;
  /** Lower steps per window `k`. */
  readonly stepSkip: number;
  /** Width `E` of the tokens and of the window latent. */
  readonly embedDim: number;
  /** How the `k` tokens become one latent. */
  readonly pooling: WindowPooling;
  /** The transformer over the window's tokens (`transformer.*`). */
  readonly transformer: TransformerEncoder<tf.Tensor3D>;
  /** The linear head that pools into the window latent (`head`). */
  readonly head: Linear;

  /** @param options Sizes and pooling; see {@link TemporalWindowEncoderOptions}. */
  constructor(readonly options: TemporalWindowEncoderOptions) {
    super();
    const { latentDim, stepSkip, embedDim, depth, numHeads } = options;
    for (const [name, value] of Object.entries({ latentDim, stepSkip, embedDim, depth, numHeads })) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`TemporalWindowEncoder: ${name} must be a positive integer, got ${String(value)}.`);
    }
    if (embedDim % numHeads !== 0) throw new Error(`TemporalWindowEncoder: embedDim ${embedDim} must be divisible by numHeads ${numHeads}.`);
    const pooling = options.pooling ?? 'flatten';
    if (pooling !== 'flatten' && pooling !== 'mean') throw new Error(`TemporalWindowEncoder: pooling must be 'flatten' or 'mean', got ${JSON.stringify(pooling)}.`);
    this.latentDim = latentDim;
    this.stepSkip = stepSkip;
    this.embedDim = embedDim;
    this.pooling = pooling;
    const embedInitStd = options.embedInitStd ?? 1 / Math.sqrt(latentDim);
    if (!(embedInitStd > 0)) throw new Error(`TemporalWindowEncoder: embedInitStd must be > 0, got ${String(embedInitStd)}.`);
    const embedding = new LinearTokenEmbedding(stepSkip, latentDim, embedDim);
    tf.tidy(() => embedding.proj.weight.assign(truncatedNormal([latentDim, embedDim], embedInitStd)));
    this.transformer = this.addModule('transformer', new TransformerEncoder(embedding, { depth, numHeads }));
    this.head = this.addModule('head', new Linear(pooling === 'flatten' ? stepSkip * embedDim : embedDim, embedDim));
  }

  /** @param windows `[M, k, D]` lower latents, one window per row @returns `[M, E]` */
  encode(windows: tf.Tensor3D): tf.Tensor2D {
    const [count, steps, width] = windows.shape;
    if (windows.rank !== 3 || steps !== this.stepSkip || width !== this.latentDim) {
      throw new Error(`TemporalWindowEncoder.encode: expected windows [M, ${this.stepSkip}, ${this.latentDim}] (stepSkip lower latents of width latentDim), got [${windows.shape.join(', ')}].`);
    }
    return tf.tidy(() => {
      const tokens = this.transformer.encode(windows);
      const pooled = this.pooling === 'flatten' ? tf.reshape(tokens, [count, steps * this.embedDim]) : tf.mean(tokens, 1);
      return this.head.apply(pooled as tf.Tensor2D);
    });
  }
}
