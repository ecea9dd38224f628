import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useBackendForThisFile } from '../testing/use-backend.js';
import { AttentivePooler, CrossAttention } from './cross-attention-pool.js';

useBackendForThisFile('cpu');

describe('cross-attention pooling layers', () => {
  it('CrossAttention: softmax(q k^T / sqrt(d)) v per head, with q from the queries and k, v from the tokens (no output projection)', () => {
    const attention = new CrossAttention(2, 1);
    attention.q.weight.assign(tf.tensor2d([[1, 0], [0, 1]]));
    attention.q.bias!.assign(tf.zeros([2]));
    // kv weight [in, 2 * out]: k = x, v = 2 x + 1.
    attention.kv.weight.assign(tf.tensor2d([[1, 0, 2, 0], [0, 1, 0, 2]]));
    attention.kv.bias!.assign(tf.tensor1d([0, 0, 1, 1]));
    const query = tf.tensor3d([[[1, 0]]]);
    const tokens = tf.tensor3d([[[2, 0], [0, 1], [-1, 1]]]);
    const before = tf.memory().numTensors;
    const out = attention.apply(query, tokens);
    // scores = q . k / sqrt(2) = [2, 0, -1] / sqrt(2)
    const scores = [2, 0, -1].map((s) => Math.exp(s / Math.SQRT2));
    const total = scores.reduce((a, b) => a + b);
    const values = [[5, 1], [1, 3], [-1, 3]];
    const expected = [0, 1].map((d) => scores.reduce((sum, w, j) => sum + (w / total) * values[j]![d]!, 0));
    expect(out.shape).toEqual([1, 1, 2]);
    Array.from(out.dataSync()).forEach((v, d) => expect(v).toBeCloseTo(expected[d]!, 5));
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([query, tokens]);
    attention.dispose();
    expect(() => new CrossAttention(6, 4)).toThrow(/width 6 is not divisible by 4 heads/);
  });

  it('AttentivePooler: one learned query summarises [B, N, D] tokens into [B, 1, D], per sample', () => {
    const pooler = new AttentivePooler(4, 2, 4, 1e-5);
    expect(pooler.namedParameters().map(([name]) => name).slice(0, 2)).toEqual(['query_tokens', 'cross_attention_block.norm1.weight']);
    const tokens = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 1) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const pooled = pooler.apply(tokens);
    const second = tf.tidy(() => pooler.apply(tf.slice(tokens, [1, 0, 0], [1, -1, -1]) as tf.Tensor3D));
    expect(pooled.shape).toEqual([3, 1, 4]);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.slice(pooled, [1, 0, 0], [1, -1, -1]), second))).dataSync()[0]!);
    expect(diff).toBeLessThan(1e-6);
    tf.dispose([pooled, second]);
    expect(tf.memory().numTensors).toBe(before);
    tokens.dispose();
    pooler.dispose();
  });
});
