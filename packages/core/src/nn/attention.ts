import * as tf from '@tensorflow/tfjs';
import { fusedSelfAttention, selfAttentionFuses } from '../ops/fused-attention.js';
import { batchMatMul, matMul2d, matMul2dBias } from '../ops/mat-mul.js';
import { checkAttentionMask } from './attention-mask.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

/**
 * Multi-head self-attention with a fused `qkv` projection (bias on), as the official JEPA ViTs.
 * Parameter names: `qkv.weight`, `qkv.bias`, `proj.weight`, `proj.bias`.
 */
export class Attention extends Module {
  /** Fused query, key and value projection `D -> 3D`. */
  readonly qkv: Linear;
  /** Output projection `D -> D`. */
  readonly proj: Linear;
  /** Width of one head: `dim / numHeads`. */
  readonly headDim: number;
  /** Logit scale `headDim ** -0.5`. */
  readonly scale: number;

  /**
   * @param dim Token width `D`; must be divisible by `numHeads`. @param numHeads Attention heads. @param
   * qkvBias Whether `qkv` has a bias (official ViTs: true).
   */
  constructor(readonly dim: number, readonly numHeads: number, qkvBias = true) {
    super();
    if (!Number.isInteger(numHeads) || numHeads <= 0 || dim % numHeads !== 0) {
      throw new Error(`Attention: width ${dim} is not divisible by ${numHeads} heads; choose a head count that divides the width (e.g. ${divisorsHint(dim)}).`);
    }
    this.headDim = dim / numHeads;
    this.scale = this.headDim ** -0.5;
    this.qkv = this.addModule('qkv', new Linear(dim, dim * 3, { bias: qkvBias }));
    this.proj = this.addModule('proj', new Linear(dim, dim));
  }

  /**
   * @param x `[B, N, D]`
   * @param mask optional `[N, N]` or `[B, N, N]`, 1 where query i may attend to key j, 0 elsewhere
   *   (e.g. `blockCausalMask`); masked keys get a score of -1e9 before the softmax
   * @returns `[B, N, D]`
   */
  apply(x: tf.Tensor3D, mask?: tf.Tensor): tf.Tensor3D {
    if (mask) checkAttentionMask(mask, x.shape[0], x.shape[1], 'Attention');
    return tf.tidy(() => {
      if (!mask && selfAttentionFuses(x.dtype)) {
        // On the fast wasm kernels: one product for q, k and v, then one kernel (and one for the
        // gradient), in place of the ops below.
        return this.proj.apply(fusedSelfAttention(this.qkv.apply(x), this.numHeads, this.scale));
      }
      const [batch, tokens, dim] = x.shape;
      const heads = this.numHeads;
      const hd = this.headDim;
      // q, k and v through column slices of the fused weight: three 2-D products and rank-4
      // transposes are far cheaper on wasm than splitting the fused output and a rank-5 transpose.
      const rows = tf.reshape(x, [batch * tokens, dim]) as tf.Tensor2D;
      const project = (part: number) => {
        const w = tf.slice(this.qkv.weight, [0, part * dim], [dim, dim]) as tf.Tensor2D;
        const withBias = this.qkv.bias ? matMul2dBias(rows, w, tf.slice(this.qkv.bias, [part * dim], [dim])) : matMul2d(rows, w);
        return tf.reshape(withBias, [batch, tokens, heads, hd]);
      };
      const q = tf.reshape(tf.transpose(project(0), [0, 2, 1, 3]), [batch * heads, tokens, hd]) as tf.Tensor3D;
      // Keys as [B*H, N, d] (a transpose that keeps the last axis: rows move whole), multiplied
      // transposed: no [B, H, d, N] copy, forward or backward.
      const k = tf.reshape(tf.transpose(project(1), [0, 2, 1, 3]), [batch * heads, tokens, hd]) as tf.Tensor3D;
      const v = tf.reshape(tf.transpose(project(2), [0, 2, 1, 3]), [batch * heads, tokens, hd]) as tf.Tensor3D;
      let scores: tf.Tensor = tf.mul(batchMatMul(q, k, true), this.scale);
      if (mask) {
        const m = mask.rank === 2 ? tf.reshape(mask, [1, 1, tokens, tokens]) : tf.reshape(mask, [batch, 1, tokens, tokens]);
        const bias = tf.mul(tf.sub(1, tf.cast(m, 'float32')), -1e9);
        scores = tf.reshape(tf.add(tf.reshape(scores, [batch, heads, tokens, tokens]), bias), [batch * heads, tokens, tokens]);
      }
      const weights = tf.softmax(scores) as tf.Tensor3D;
      const out = batchMatMul(weights, v);
      const merged = tf.reshape(tf.transpose(tf.reshape(out, [batch, heads, tokens, hd]), [0, 2, 1, 3]), [batch, tokens, dim]);
      return this.proj.apply(merged as tf.Tensor3D);
    });
  }
}

function divisorsHint(dim: number): string {
  const ds: number[] = [];
  for (let h = 1; h <= Math.min(dim, 32); h++) if (dim % h === 0) ds.push(h);
  return ds.slice(-4).join(', ');
}
