import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Attention } from './attention.js';
import { gelu } from './gelu.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';

describe('layers against plain-arithmetic references', () => {
  it('Linear computes x W + b with W stored [in, out]', () => {
    const lin = new Linear(2, 3);
    lin.weight.assign(tf.tensor2d([[1, 2, 3], [4, 5, 6]]));
    lin.bias!.assign(tf.tensor1d([0.5, 0, -1]));
    const y = lin.apply(tf.tensor3d([[[1, -1]]]));
    expect(Array.from(y.dataSync())).toEqual([-2.5, -3, -4]);
    lin.dispose();
  });

  it('LayerNorm normalises with biased variance and eps', () => {
    const ln = new LayerNorm(4, 1e-6);
    const y = ln.apply(tf.tensor2d([[1, 2, 3, 4]])).dataSync();
    const sd = Math.sqrt(1.25 + 1e-6);
    [-1.5, -0.5, 0.5, 1.5].forEach((c, i) => expect(y[i]).toBeCloseTo(c / sd, 5));
    ln.dispose();
  });

  it('GELU is the exact erf form (not the tanh approximation)', () => {
    const y = gelu(tf.tensor1d([-1, 0.5, 2])).dataSync();
    // 0.5 x (1 + erf(x / sqrt 2)) with erf values from tables: erf(-0.70711)=-0.682689, erf(0.353553)=0.382925, erf(1.414214)=0.954500
    expect(y[0]).toBeCloseTo(0.5 * -1 * (1 - 0.682689), 5);
    expect(y[1]).toBeCloseTo(0.5 * 0.5 * (1 + 0.382925), 5);
    expect(y[2]).toBeCloseTo(0.5 * 2 * (1 + 0.9545), 4);
  });

  it('Attention matches a per-head loop and honours an attention mask', () => {
    const dim = 4;
    const attn = new Attention(dim, 2);
    const x = tf.randomNormal([2, 3, dim], 0, 1, 'float32', 3) as tf.Tensor3D;
    const out = attn.apply(x).arraySync();
    // Reference: explicit loops over batch, head, query, key.
    const qkv = attn.qkv.apply(x).arraySync();
    const proj = attn.proj;
    const hd = 2;
    for (let b = 0; b < 2; b++) {
      const merged: number[][] = [];
      for (let i = 0; i < 3; i++) {
        const row: number[] = [];
        for (let h = 0; h < 2; h++) {
          const q = qkv[b]![i]!.slice(h * hd, h * hd + hd);
          const scores = [0, 1, 2].map((j) => qkv[b]![j]!.slice(dim + h * hd, dim + h * hd + hd).reduce((s, k, d) => s + k * q[d]!, 0) / Math.sqrt(hd));
          const mx = Math.max(...scores);
          const e = scores.map((s) => Math.exp(s - mx));
          const z = e.reduce((a, c) => a + c);
          for (let d = 0; d < hd; d++) row.push([0, 1, 2].reduce((s, j) => s + (e[j]! / z) * qkv[b]![j]![2 * dim + h * hd + d]!, 0));
        }
        merged.push(row);
      }
      const expected = proj.apply(tf.tensor3d([merged])).arraySync()[0]!;
      for (let i = 0; i < 3; i++) for (let d = 0; d < dim; d++) expect(out[b]![i]![d]).toBeCloseTo(expected[i]![d]!, 4);
    }
    // A causal mask: token 0 attends only to itself, so changing tokens 1..2 leaves output 0 unchanged.
    const causal = tf.linalg.bandPart(tf.ones([3, 3]), -1, 0);
    const x2 = tf.concat([tf.slice(x, [0, 0, 0], [2, 1, dim]), tf.randomNormal([2, 2, dim])], 1) as tf.Tensor3D;
    const a = tf.slice(attn.apply(x, causal), [0, 0, 0], [2, 1, dim]).dataSync();
    const b2 = tf.slice(attn.apply(x2, causal), [0, 0, 0], [2, 1, dim]).dataSync();
    a.forEach((v, i) => expect(b2[i]).toBeCloseTo(v, 5));
    attn.dispose();
  });
});
