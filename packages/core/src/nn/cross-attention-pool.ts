import * as tf from '@tensorflow/tfjs';
import { batchMatMul, matMul2d } from '../ops/mat-mul.js';
import { truncatedNormal } from './init.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { Mlp } from './mlp.js';
import { Module } from './module.js';

/*
 * Cross-attention pooling, as the official facebookresearch/jepa `src/models/attentive_pooler.py`
 * (parameter names and numerics unchanged): learned query tokens attend to a set of tokens and
 * summarise it. The attentive probe uses it; so can any model that pools tokens into a few.
 *
 * Shape legend: `B` batch, `n` queries, `N` tokens, `D` width.
 */

/** Multi-head cross-attention of queries on tokens (official `CrossAttention`; names `q`, `kv`). */
export class CrossAttention extends Module {
  /** Query projection `D -> D`. */
  readonly q: Linear;
  /** Fused key and value projection `D -> 2D`. */
  readonly kv: Linear;
  /** Width of one head: `dim / numHeads`. */
  readonly headDim: number;

  /**
   * @param dim Width `D` of queries and tokens; must be divisible by `numHeads`. @param numHeads Attention
   * heads.
   */
  constructor(readonly dim: number, readonly numHeads: number) {
    super();
    if (!Number.isInteger(numHeads) || numHeads <= 0 || dim % numHeads !== 0) {
      throw new Error(`CrossAttention: width ${dim} is not divisible by ${numHeads} heads; pick numHeads among the divisors of ${dim} (e.g. the encoder's heads).`);
    }
    this.headDim = dim / numHeads;
    this.q = this.addModule('q', new Linear(dim, dim));
    this.kv = this.addModule('kv', new Linear(dim, 2 * dim));
    // The official module also has a `proj` Linear that its forward never uses; it is left out.
  }

  /**
   * @param query `[B, n, D]`
   * @param x `[B, N, D]`
   * @returns `[B, n, D]` (no output projection, as the official forward)
   */
  apply(query: tf.Tensor3D, x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const [batch, queries, dim] = query.shape;
      const tokens = x.shape[1];
      const heads = this.numHeads;
      const hd = this.headDim;
      const q = tf.reshape(tf.transpose(tf.reshape(this.q.apply(query), [batch, queries, heads, hd]), [0, 2, 1, 3]), [batch * heads, queries, hd]) as tf.Tensor3D;
      // k and v through column slices of the fused kv weight (cheaper on wasm than splitting its output).
      const rows = tf.reshape(x, [batch * tokens, dim]) as tf.Tensor2D;
      const project = (part: number) => {
        const w = tf.slice(this.kv.weight, [0, part * dim], [dim, dim]) as tf.Tensor2D;
        const y = tf.add(matMul2d(rows, w), tf.slice(this.kv.bias!, [part * dim], [dim]));
        return tf.reshape(y, [batch, tokens, heads, hd]);
      };
      // Keys as [B*H, N, d], multiplied transposed (as in Attention).
      const k = tf.reshape(tf.transpose(project(0), [0, 2, 1, 3]), [batch * heads, tokens, hd]) as tf.Tensor3D;
      const v = tf.reshape(tf.transpose(project(1), [0, 2, 1, 3]), [batch * heads, tokens, hd]) as tf.Tensor3D;
      const weights = tf.softmax(tf.mul(batchMatMul(q, k, true), hd ** -0.5)) as tf.Tensor3D;
      const out = tf.reshape(batchMatMul(weights, v), [batch, heads, queries, hd]);
      return tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [batch, queries, dim]) as tf.Tensor3D;
    });
  }
}

/** `q + xattn(q, norm1(x))`, then `+ mlp(norm2(.))` (official `CrossAttentionBlock`). */
export class CrossAttentionBlock extends Module {
  /** LayerNorm of the attended tokens. */
  readonly norm1: LayerNorm;
  /** Cross-attention of the queries on the normed tokens. */
  readonly xattn: CrossAttention;
  /** LayerNorm before the MLP. */
  readonly norm2: LayerNorm;
  /** The MLP of width `dim * mlpRatio`. */
  readonly mlp: Mlp;

  constructor(dim: number, numHeads: number, mlpRatio: number, layerNormEps: number) {
    super();
    this.norm1 = this.addModule('norm1', new LayerNorm(dim, layerNormEps));
    this.xattn = this.addModule('xattn', new CrossAttention(dim, numHeads));
    this.norm2 = this.addModule('norm2', new LayerNorm(dim, layerNormEps));
    this.mlp = this.addModule('mlp', new Mlp(dim, Math.round(dim * mlpRatio)));
  }

  /** @param query `[B, n, D]` @param x `[B, N, D]` @returns `[B, n, D]` */
  apply(query: tf.Tensor3D, x: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const q = tf.add(query, this.xattn.apply(query, this.norm1.apply(x))) as tf.Tensor3D;
      return tf.add(q, this.mlp.apply(this.norm2.apply(q))) as tf.Tensor3D;
    });
  }
}

/** The learned query and its cross-attention block (official `AttentivePooler`, one query, depth 1). */
export class AttentivePooler extends Module {
  /** The learned query `[1, 1, D]` (`query_tokens`). */
  readonly queryTokens: tf.Variable;
  /** The block the query attends through (`cross_attention_block`). */
  readonly crossAttentionBlock: CrossAttentionBlock;

  constructor(dim: number, numHeads: number, mlpRatio: number, layerNormEps: number) {
    super();
    this.queryTokens = this.addParameter('query_tokens', truncatedNormal([1, 1, dim]));
    this.crossAttentionBlock = this.addModule('cross_attention_block', new CrossAttentionBlock(dim, numHeads, mlpRatio, layerNormEps));
    const fc2 = this.crossAttentionBlock.mlp.fc2.weight;
    tf.tidy(() => fc2.assign(tf.div(fc2, Math.sqrt(2))));
  }

  /** @param tokens `[B, N, D]` @returns `[B, 1, D]` */
  apply(tokens: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const query = tf.tile(this.queryTokens, [tokens.shape[0], 1, 1]) as tf.Tensor3D;
      return this.crossAttentionBlock.apply(query, tokens);
    });
  }
}
