import * as tf from '@tensorflow/tfjs';
import { applyMasks } from '../masks/apply-masks.js';
import { checkAttentionMask } from '../nn/attention-mask.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Module } from '../nn/module.js';
import { ModuleList, TransformerBlock } from '../nn/transformer-block.js';
import { sincosTable } from '../pos-embed/sincos.js';
import type { EncodeOptions, Encoder, Grid, TokenIndex } from './contracts.js';
import { rescaleResidualBranches } from './residual-init.js';
import type { TokenEmbedding } from './token-embedding.js';

/** Sizes of a {@link TransformerEncoder}; defaults are the official JEPA ones. */
export interface TransformerEncoderOptions {
  /** Number of transformer blocks. */
  readonly depth: number;
  /** Attention heads per block; must divide the embedding's width. */
  readonly numHeads: number;
  /** Default 4. */
  readonly mlpRatio?: number;
  /** Default true. */
  readonly qkvBias?: boolean;
  /** Default 1e-6. */
  readonly layerNormEps?: number;
  /** 3-D grids only: V-JEPA's `uniform_power` sin-cos split (default true). */
  readonly uniformPower?: boolean;
  /**
   * Divide each block's `attn.proj` and `mlp.fc2` weights by `sqrt(2 * layer)` (the model classes'
   * `fix_init_weight`). Default false: the official trainers (`init_model`, `init_video_model`)
   * redraw every Linear weight after construction, which undoes it.
   */
  readonly rescaleResidualBranches?: boolean;
}

/**
 * A ViT-style encoder over any token grid: `embedding` -> + fixed sin-cos `pos_embed` -> optional
 * token selection -> pre-norm blocks (optionally under an attention mask) -> LayerNorm. Parameter
 * names match the official code (`patch_embed.*`, `pos_embed`, `blocks.i.*`, `norm.*`).
 *
 * Shape legend: `B` batch, `N` tokens, `D` width, `K` kept tokens.
 */
export class TransformerEncoder<Input> extends Module implements Encoder<Input> {
  readonly embedDim: number;
  readonly grid: Grid;
  /** Tokens of a full input: the product of `grid`. */
  readonly numTokens: number;
  /** Fixed sin-cos positions `[1, N, D]` (`pos_embed`; saved, never trained). */
  readonly posEmbed: tf.Variable;
  /** The token embedding (`patch_embed`). */
  readonly embedding: TokenEmbedding<Input>;
  /** The transformer blocks (`blocks.i`). */
  readonly blocks: ModuleList<TransformerBlock>;
  /** The final LayerNorm (`norm`). */
  readonly norm: LayerNorm;

  /**
   * @param embedding Turns raw input into tokens; gives the width and grid. @param options Depth, heads and
   * the block options.
   */
  constructor(embedding: TokenEmbedding<Input>, readonly options: TransformerEncoderOptions) {
    super();
    const { depth, numHeads } = options;
    if (!Number.isInteger(depth) || depth <= 0) throw new Error(`TransformerEncoder: depth must be a positive integer, got ${depth}.`);
    this.embedDim = embedding.embedDim;
    this.grid = embedding.grid;
    this.numTokens = this.grid.reduce((a, b) => a * b, 1);
    const table = sincosTable(this.embedDim, this.grid, options.uniformPower ?? true);
    this.posEmbed = this.addParameter('pos_embed', tf.tensor3d(table, [1, this.numTokens, this.embedDim]), undefined, false);
    this.embedding = this.addModule('patch_embed', embedding);
    const blocks = Array.from({ length: depth }, () => new TransformerBlock({
      dim: this.embedDim,
      numHeads,
      mlpRatio: options.mlpRatio,
      qkvBias: options.qkvBias,
      layerNormEps: options.layerNormEps,
    }));
    this.blocks = this.addModule('blocks', new ModuleList(blocks));
    this.norm = this.addModule('norm', new LayerNorm(this.embedDim, options.layerNormEps ?? 1e-6));
    if (options.rescaleResidualBranches) rescaleResidualBranches(blocks);
  }

  /**
   * @param input what the embedding takes (e.g. images `[B, H, W, C]`)
   * @param keep optional token index sets, each `[B, K]`; the blocks see only these tokens
   * @param options `attentionMask`: `[N', N']` or `[B', N', N']` over the tokens the blocks see
   *   (`N' = N`, `B' = B` without `keep`; `N' = K`, `B' = B * keep.length` with it), given to
   *   every block; see {@link EncodeOptions}
   * @returns `[B, N, D]`, or `[B * keep.length, K, D]` (official `apply_masks` order: all samples
   *   for `keep[0]`, then all for `keep[1]`, ...)
   */
  encode(input: Input, keep?: TokenIndex[], options: EncodeOptions = {}): tf.Tensor3D {
    const mask = options.attentionMask;
    return tf.tidy(() => {
      let x = tf.add(this.embedding.embed(input), this.posEmbed) as tf.Tensor3D;
      if (keep && keep.length > 0) x = applyMasks(x, keep);
      if (mask) {
        const hint = keep && keep.length > 0
          ? `With keep (${keep.length} index sets of ${x.shape[1]} tokens) the mask covers the kept tokens only, not the full grid of ${this.numTokens}.`
          : `The encoder's grid [${this.grid.join(', ')}] has ${this.numTokens} tokens.`;
        checkAttentionMask(mask, x.shape[0], x.shape[1], 'TransformerEncoder.encode', hint);
      }
      for (const block of this.blocks.items) x = block.apply(x, mask);
      return this.norm.apply(x);
    });
  }
}
