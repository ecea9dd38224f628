import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { applyMasks, repeatInterleaveBatch } from './apply-masks.js';

/** x[b, n, d] = 100 b + 10 n + d, shape [2, 4, 3]. */
function tokens(): tf.Tensor3D {
  const data: number[] = [];
  for (let b = 0; b < 2; b++) for (let n = 0; n < 4; n++) for (let d = 0; d < 3; d++) data.push(100 * b + 10 * n + d);
  return tf.tensor3d(data, [2, 4, 3]);
}

const row = (b: number, n: number) => [0, 1, 2].map((d) => 100 * b + 10 * n + d);

describe('applyMasks', () => {
  it('gathers each mask per sample and stacks the masks mask-major along the batch axis', () => {
    const x = tokens();
    const m0 = tf.tensor2d([[0, 2], [1, 3]], [2, 2], 'int32');
    const m1 = tf.tensor2d([[3, 3], [0, 1]], [2, 2], 'int32');
    const before = tf.memory().numTensors;
    const out = applyMasks(x, [m0, m1]);
    expect(out.shape).toEqual([4, 2, 3]);
    expect(out.arraySync()).toEqual([
      [row(0, 0), row(0, 2)], // mask 0, sample 0
      [row(1, 1), row(1, 3)], // mask 0, sample 1
      [row(0, 3), row(0, 3)], // mask 1, sample 0
      [row(1, 0), row(1, 1)], // mask 1, sample 1
    ]);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const single = applyMasks(x, [m1]);
    expect(single.arraySync()).toEqual([[row(0, 3), row(0, 3)], [row(1, 0), row(1, 1)]]);
    single.dispose();
    tf.dispose([x, m0, m1]);
  });

  it('passes gradients back to the picked tokens, summing duplicates, without leaking tensors', () => {
    const x = tokens();
    const m0 = tf.tensor2d([[0, 2], [1, 3]], [2, 2], 'int32');
    const m1 = tf.tensor2d([[3, 3], [0, 1]], [2, 2], 'int32');
    const weights = tf.range(1, 4 * 2 * 3 + 1).reshape([4, 2, 3]);
    const before = tf.memory().numTensors;
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(applyMasks(t as tf.Tensor3D, [m0, m1]), weights)))(x);
    expect(grad.shape).toEqual([2, 4, 3]);
    // weights[r, k, :] = 6 r + 3 k + [1, 2, 3]; token (b, n) collects every (r, k) that picked it.
    const w = (r: number, k: number) => [1, 2, 3].map((d) => 6 * r + 3 * k + d);
    const add = (...vs: number[][]) => vs.reduce((a, v) => a.map((x, i) => x + v[i]!));
    expect(grad.arraySync()).toEqual([
      [w(0, 0), [0, 0, 0], w(0, 1), add(w(2, 0), w(2, 1))],
      [w(3, 0), add(w(1, 0), w(3, 1)), [0, 0, 0], w(1, 1)],
    ]);
    grad.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, m0, m1, weights]);
  });

  it('explains malformed masks', () => {
    const x = tokens();
    const good = tf.tensor2d([[0], [1]], [2, 1], 'int32');
    const wrongBatch = tf.tensor2d([[0, 1, 2]], [1, 3], 'int32');
    const wrongLength = tf.tensor2d([[0, 1], [1, 2]], [2, 2], 'int32');
    const floats = tf.tensor2d([[0], [1]], [2, 1], 'float32');
    expect(() => applyMasks(x, [])).toThrow(/no masks/);
    expect(() => applyMasks(x, [wrongBatch])).toThrow(/masks\[0\] has shape \[1, 3\] but the tokens have batch 2/);
    expect(() => applyMasks(x, [good, wrongLength])).toThrow(/masks\[1\] keeps 2 tokens but masks\[0\] keeps 1/);
    expect(() => applyMasks(x, [floats])).toThrow(/dtype float32; token indices must be int32/);
    tf.dispose([x, good, wrongBatch, wrongLength, floats]);
  });
});

describe('repeatInterleaveBatch', () => {
  /** The official loop, on plain arrays. */
  function reference<T>(x: T[], batchSize: number, times: number): T[] {
    const out: T[] = [];
    for (let g = 0; g < x.length / batchSize; g++) {
      for (let r = 0; r < times; r++) out.push(...x.slice(g * batchSize, (g + 1) * batchSize));
    }
    return out;
  }

  it('repeats each group of B rows in place, as the official repeat_interleave_batch', () => {
    const x = tf.tensor2d([[0, 0.5], [1, 1.5], [2, 2.5], [3, 3.5], [4, 4.5], [5, 5.5]]);
    const before = tf.memory().numTensors;
    const out = repeatInterleaveBatch(x, 2, 3);
    expect(out.shape).toEqual([18, 2]);
    expect(out.arraySync()).toEqual(reference(x.arraySync(), 2, 3));
    expect(out.arraySync().slice(0, 6).map((r) => r[0])).toEqual([0, 1, 0, 1, 0, 1]);
    out.dispose();
    const same = repeatInterleaveBatch(x, 3, 1);
    expect(same.arraySync()).toEqual(x.arraySync());
    same.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('keeps trailing dimensions and sums gradients over the copies', () => {
    const x = tf.tensor3d(Array.from({ length: 4 * 2 * 3 }, (_, i) => i), [4, 2, 3]);
    const out = repeatInterleaveBatch(x, 2, 2);
    expect(out.shape).toEqual([8, 2, 3]);
    expect(out.arraySync()).toEqual(reference(x.arraySync(), 2, 2));
    const before = tf.memory().numTensors;
    const grad = tf.grad((t: tf.Tensor) => tf.sum(repeatInterleaveBatch(t, 2, 2)))(x);
    expect(Array.from(grad.dataSync())).toEqual(new Array(24).fill(2));
    grad.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, out]);
  });

  it('explains bad arguments', () => {
    const x = tf.zeros([5, 2]);
    expect(() => repeatInterleaveBatch(x, 2, 2)).toThrow(/not a multiple of batchSize 2/);
    expect(() => repeatInterleaveBatch(x, 0, 2)).toThrow(/batchSize must be a positive integer/);
    expect(() => repeatInterleaveBatch(x, 5, 0)).toThrow(/times must be a positive integer/);
    x.dispose();
  });
});
