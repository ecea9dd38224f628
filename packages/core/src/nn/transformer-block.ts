import * as tf from '@tensorflow/tfjs';
import { Attention } from './attention.js';
import { LayerNorm } from './layer-norm.js';
import { Mlp } from './mlp.js';
import { Module } from './module.js';

/** Sizes of a pre-norm transformer block. */
export interface TransformerBlockOptions {
  /** Token width. */
  readonly dim: number;
  /** Attention heads; must divide `dim`. */
  readonly numHeads: number;
  /** Hidden width of the MLP as a multiple of `dim` (official: 4). */
  readonly mlpRatio?: number;
  /** Bias on the fused qkv projection (default true, as the official ViTs). */
  readonly qkvBias?: boolean;
  /** LayerNorm epsilon (official: 1e-6). */
  readonly layerNormEps?: number;
}

/** Pre-norm block `x + attn(norm1(x))`, then `x + mlp(norm2(x))` (names `norm1`, `attn`, `norm2`, `mlp`). */
export class TransformerBlock extends Module {
  /** LayerNorm before attention. */
  readonly norm1: LayerNorm;
  /** Multi-head self-attention. */
  readonly attn: Attention;
  /** LayerNorm before the MLP. */
  readonly norm2: LayerNorm;
  /** The MLP of width `dim * mlpRatio`. */
  readonly mlp: Mlp;

  constructor(options: TransformerBlockOptions) {
    super();
    const eps = options.layerNormEps ?? 1e-6;
    this.norm1 = this.addModule('norm1', new LayerNorm(options.dim, eps));
    this.attn = this.addModule('attn', new Attention(options.dim, options.numHeads, options.qkvBias ?? true));
    this.norm2 = this.addModule('norm2', new LayerNorm(options.dim, eps));
    this.mlp = this.addModule('mlp', new Mlp(options.dim, Math.round(options.dim * (options.mlpRatio ?? 4))));
  }

  /**
   * Runs the block on a token sequence.
   * @param x `[B, N, D]`
   * @param mask optional attention mask, see {@link Attention.apply}
   * @returns `[B, N, D]`
   */
  apply(x: tf.Tensor3D, mask?: tf.Tensor): tf.Tensor3D {
    return tf.tidy(() => {
      const h = tf.add(x, this.attn.apply(this.norm1.apply(x), mask)) as tf.Tensor3D;
      return tf.add(h, this.mlp.apply(this.norm2.apply(h))) as tf.Tensor3D;
    });
  }
}

/** A numbered list of child modules (`blocks.0`, `blocks.1`, ...), as PyTorch's ModuleList. */
export class ModuleList<M extends Module> extends Module {
  /** The children in order; child `i` is registered under the name `i`. */
  readonly items: M[] = [];

  constructor(items: M[]) {
    super();
    items.forEach((m, i) => this.items.push(this.addModule(String(i), m)));
  }
}
