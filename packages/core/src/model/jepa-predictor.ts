import * as tf from '@tensorflow/tfjs';
import { applyMasks, repeatInterleaveBatch } from '../masks/apply-masks.js';
import { checkAttentionMask } from '../nn/attention-mask.js';
import { truncatedNormal } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { ModuleList, TransformerBlock } from '../nn/transformer-block.js';
import { sincosTable } from '../pos-embed/sincos.js';
import type { Grid, Predictor, TokenIndex } from './contracts.js';
import { rescaleResidualBranches } from './residual-init.js';

/**
 * The extra inputs of one {@link JepaPredictor.predict} call (its `Condition`).
 *
 * Shape legend: `S = Kc + Kt` tokens of one predictor sequence, `R` sequences.
 */
export interface JepaPredictorCondition {
  /** Which learned mask token fills the target positions (V-JEPA: one per mask generator). Default 0. */
  readonly maskTokenIndex?: number;
  /**
   * Which tokens of each predictor sequence `[Kc context tokens; Kt target tokens]` may attend to
   * which (1 = may attend), given to every block: `[S, S]` for all sequences or `[R, S, S]` with
   * `R = B * contextIndex.length * targetIndex.length`, in the order of the output rows.
   */
  readonly attentionMask?: tf.Tensor;
}

/**
 * @deprecated Use {@link JepaPredictorCondition}: the condition is now a type parameter of
 * `Predictor`, and this is the JEPA predictor's.
 */
export type PredictorCondition = JepaPredictorCondition;

/**
 * The condition that gives mask generator `generator` its own mask token (`mask_tokens.<generator>`),
 * as the official V-JEPA: pass it as `Jepa`'s `conditionForGenerator`.
 */
export function maskTokenPerGenerator(generator: number): JepaPredictorCondition {
  return { maskTokenIndex: generator };
}

/** Sizes of a {@link JepaPredictor}; defaults follow the official I-JEPA predictor. */
export interface JepaPredictorOptions {
  /** The encoder's token grid (positions of context and target tokens index into it). */
  readonly grid: Grid;
  /** Width of the encoder tokens it reads and predicts. */
  readonly embedDim: number;
  /** Its own (narrow) width; official default 384. */
  readonly predictorEmbedDim?: number;
  /** Official default 6 (I-JEPA configs use 12 for ViT-H). */
  readonly depth?: number;
  /** Attention heads; must divide `predictorEmbedDim`. */
  readonly numHeads: number;
  /** MLP hidden width as a multiple of the predictor width (default 4). */
  readonly mlpRatio?: number;
  /** Bias on the fused qkv projections (default true). */
  readonly qkvBias?: boolean;
  /** LayerNorm epsilon (default 1e-6). */
  readonly layerNormEps?: number;
  /**
   * Number of learned mask tokens. 1 gives the I-JEPA name `mask_token`; more give V-JEPA's
   * `mask_tokens.0`, `mask_tokens.1`, ... (one per mask generator). Default 1.
   */
  readonly numMaskTokens?: number;
  /** 3-D grids only: V-JEPA's `uniform_power` sin-cos split (default true). */
  readonly uniformPower?: boolean;
  /** See {@link TransformerEncoderOptions.rescaleResidualBranches} (default false, as the official trainers). */
  readonly rescaleResidualBranches?: boolean;
}

/**
 * The official JEPA predictor over any token grid: embeds context tokens to its width, adds the
 * positions of the context tokens, appends one mask token per target position (plus that position's
 * embedding), runs its blocks over one sequence per (target set, context set, sample), and projects
 * the target tokens back to the encoder width. Its condition ({@link JepaPredictorCondition})
 * picks the mask token and may restrict attention.
 *
 * Shape legend: `B` batch, `D` encoder width, `Kc` context tokens, `Kt` target tokens.
 */
export class JepaPredictor extends Module implements Predictor<JepaPredictorCondition> {
  /** The encoder's token grid. */
  readonly grid: Grid;
  /** Tokens of a full grid: the product of `grid`. */
  readonly numTokens: number;
  /** The predictor's own width. */
  readonly predictorEmbedDim: number;
  /** Projection from the encoder width to the predictor width (`predictor_embed`). */
  readonly predictorEmbed: Linear;
  /** The learned mask tokens `[1, 1, predictorEmbedDim]`, one per mask generator. */
  readonly maskTokens: tf.Variable[] = [];
  /** Fixed sin-cos positions at the predictor width (`predictor_pos_embed`). */
  readonly posEmbed: tf.Variable;
  /** The predictor's transformer blocks (`predictor_blocks.i`). */
  readonly blocks: ModuleList<TransformerBlock>;
  /** LayerNorm after the blocks (`predictor_norm`). */
  readonly norm: LayerNorm;
  /** Projection back to the encoder width (`predictor_proj`). */
  readonly proj: Linear;

  /** @param options Sizes; see {@link JepaPredictorOptions}. */
  constructor(readonly options: JepaPredictorOptions) {
    super();
    const width = options.predictorEmbedDim ?? 384;
    const depth = options.depth ?? 6;
    const numMaskTokens = options.numMaskTokens ?? 1;
    if (!Number.isInteger(depth) || depth <= 0) throw new Error(`JepaPredictor: depth must be a positive integer, got ${depth}.`);
    if (!Number.isInteger(numMaskTokens) || numMaskTokens <= 0) throw new Error(`JepaPredictor: numMaskTokens must be a positive integer, got ${numMaskTokens}.`);
    // Checked before any weight exists, so a bad size allocates (and leaks) nothing.
    if (!Number.isInteger(options.numHeads) || options.numHeads <= 0 || width % options.numHeads !== 0) {
      throw new Error(`JepaPredictor: width ${width} is not divisible by ${options.numHeads} heads; set predictorEmbedDim or numHeads so that numHeads divides the width.`);
    }
    this.grid = options.grid;
    this.numTokens = options.grid.reduce((a, b) => a * b, 1);
    this.predictorEmbedDim = width;
    this.predictorEmbed = this.addModule('predictor_embed', new Linear(options.embedDim, width));
    if (numMaskTokens === 1) {
      this.maskTokens.push(this.addParameter('mask_token', truncatedNormal([1, 1, width])));
    } else {
      const holder = new MaskTokenList(numMaskTokens, width);
      this.addModule('mask_tokens', holder);
      this.maskTokens.push(...holder.tokens);
    }
    const table = sincosTable(width, this.grid, options.uniformPower ?? true);
    this.posEmbed = this.addParameter('predictor_pos_embed', tf.tensor3d(table, [1, this.numTokens, width]), undefined, false);
    const blocks = Array.from({ length: depth }, () => new TransformerBlock({
      dim: width,
      numHeads: options.numHeads,
      mlpRatio: options.mlpRatio,
      qkvBias: options.qkvBias,
      layerNormEps: options.layerNormEps,
    }));
    this.blocks = this.addModule('predictor_blocks', new ModuleList(blocks));
    this.norm = this.addModule('predictor_norm', new LayerNorm(width, options.layerNormEps ?? 1e-6));
    this.proj = this.addModule('predictor_proj', new Linear(width, options.embedDim));
    if (options.rescaleResidualBranches) rescaleResidualBranches(blocks);
  }

  /**
   * @param context `[B * contextIndex.length, Kc, D]`
   * @param contextIndex each `[B, Kc]`
   * @param targetIndex each `[B, Kt]`
   * @param condition mask-token choice (default 0) and attention mask (default none)
   * @returns `[B * contextIndex.length * targetIndex.length, Kt, D]`, ordered as the official
   *   predictor: target set major, then context set, then sample.
   */
  predict(context: tf.Tensor3D, contextIndex: TokenIndex[], targetIndex: TokenIndex[], condition?: JepaPredictorCondition): tf.Tensor3D {
    const tokenIndex = condition?.maskTokenIndex ?? 0;
    const maskToken = this.maskTokens[tokenIndex];
    if (!maskToken) {
      throw new Error(`JepaPredictor: mask token ${tokenIndex} requested but the predictor has ${this.maskTokens.length}; build it with numMaskTokens > ${tokenIndex}.`);
    }
    if (contextIndex.length === 0 || targetIndex.length === 0) {
      throw new Error('JepaPredictor.predict: give at least one context and one target index set.');
    }
    const batch = context.shape[0] / contextIndex.length;
    if (!Number.isInteger(batch) || contextIndex[0]!.shape[0] !== batch) {
      throw new Error(`JepaPredictor.predict: context has ${context.shape[0]} rows, which is not ${contextIndex.length} context sets x batch ${contextIndex[0]!.shape[0]}.`);
    }
    const mask = condition?.attentionMask;
    if (mask) {
      const rows = batch * contextIndex.length * targetIndex.length;
      const contextTokens = context.shape[1];
      const targetTokens = targetIndex[0]!.shape[1];
      checkAttentionMask(mask, rows, contextTokens + targetTokens, 'JepaPredictor.predict',
        `Each sequence is ${contextTokens} context tokens then ${targetTokens} target tokens; rows are ${targetIndex.length} target sets x ${contextIndex.length} context sets x batch ${batch}.`);
    }
    return tf.tidy(() => {
      const posAll = tf.tile(this.posEmbed, [batch, 1, 1]) as tf.Tensor3D;
      let x = this.predictorEmbed.apply(context);
      x = tf.add(x, applyMasks(posAll, contextIndex)) as tf.Tensor3D;
      const contextTokens = x.shape[1];
      const targetPos = repeatInterleaveBatch(applyMasks(posAll, targetIndex), batch, contextIndex.length);
      const predTokens = tf.add(targetPos, maskToken) as tf.Tensor3D;
      let h = tf.concat([tf.tile(x, [targetIndex.length, 1, 1]), predTokens], 1) as tf.Tensor3D;
      for (const block of this.blocks.items) h = block.apply(h, mask);
      h = this.norm.apply(h);
      const targets = tf.slice(h, [0, contextTokens, 0], [-1, -1, -1]) as tf.Tensor3D;
      return this.proj.apply(targets);
    });
  }
}

/** Holder for V-JEPA's numbered mask tokens (`mask_tokens.0`, ...). */
class MaskTokenList extends Module {
  readonly tokens: tf.Variable[] = [];

  constructor(count: number, width: number) {
    super();
    for (let i = 0; i < count; i++) this.tokens.push(this.addParameter(String(i), truncatedNormal([1, 1, width])));
  }
}
