import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { GELU_KERNEL, gelu } from '../../nn/gelu.js';
import { hasKernel } from '../../ops/has-kernel.js';
import { leadingReduction } from './simd-kernels.js';
import { fastThenStock, useWasmFastKernels } from './use-fast-kernels.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** erf in float64 by its Taylor series (|x| <= 4: terms stay below 1e7, so about 1e-9 absolute). */
function erfReference(x: number): number {
  if (Math.abs(x) > 4) return Math.sign(x);
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** Distance in float32 units in the last place between a float32 result and a float64 reference. */
function ulps(ours: number, ref: number): number {
  const f = Math.fround(ref);
  const spacing = Math.abs(Math.fround(f * (1 + 2 ** -23)) - f) || 1e-45;
  return Math.abs(ours - ref) / spacing;
}

describe('leadingReduction', () => {
  it('takes only reductions over leading axes in order, as rows x cols', () => {
    expect(leadingReduction([416, 192], [0])).toEqual({ rows: 416, cols: 192, outShape: [192] });
    expect(leadingReduction([32, 13, 192], [0, 1])).toEqual({ rows: 416, cols: 192, outShape: [192] });
    // The stock kernel sums [1, 0] in another order: left to it.
    expect(leadingReduction([32, 13, 192], [1, 0])).toBeUndefined();
    expect(leadingReduction([32, 13, 192], -3)).toEqual({ rows: 32, cols: 13 * 192, outShape: [13, 192] });
    expect(leadingReduction([416, 192], [1])).toBeUndefined();
    expect(leadingReduction([416, 192], [0, 1])).toBeUndefined();
    expect(leadingReduction([4, 5, 6], [0, 2])).toBeUndefined();
    expect(leadingReduction([4, 5, 6], [])).toBeUndefined();
  });
});

describe('wasm Exp, Erf and Sum (SIMD128)', () => {
  useWasmFastKernels();

  it('exp is within 2 ulp of float64 exp, 0 below -87.34, +inf above 88.72, NaN for NaN', () => {
    const r = rng(3);
    const xs = [...Array.from({ length: 4001 }, () => (r() - 0.5) * 180), 0, -0, 1, -1, 88.72, 88.7, -87.33, -87.4, -1e9, 1e9, -Infinity, Infinity, NaN, 1e-8];
    const before = tf.memory().numTensors;
    const t = tf.tensor1d(xs);
    const y = tf.exp(t);
    const out = y.dataSync();
    tf.dispose([t, y]);
    expect(tf.memory().numTensors).toBe(before);
    let worst = 0;
    xs.forEach((raw, i) => {
      const x = Math.fround(raw);
      const got = out[i]!;
      if (Number.isNaN(x)) return expect(got).toBeNaN();
      if (x > 88.7228317) return expect(got).toBe(Infinity);
      if (x < -87.3365479) return expect(got).toBe(0);
      worst = Math.max(worst, ulps(got, Math.exp(x)));
    });
    expect(worst).toBeLessThanOrEqual(2);
  });

  // The rational approximation's error peaks near |x| = 3.3 at 4.2e-7 (7 ulp of 1; the C library's
  // erff, the stock kernel, stays within 5e-8): measured on this grid.
  it('erf is within 5e-7 of float64 erf on a fine grid of [-5, 5], odd, NaN for NaN, +-1 far out', () => {
    const xs = [...Array.from({ length: 20001 }, (_, i) => -5 + i * 5e-4), 1e-6, -1e-6, 3.3159, 6, -6, Infinity, -Infinity, NaN];
    const t = tf.tensor1d(xs);
    const neg = tf.neg(t);
    const [y, yn] = [tf.erf(t), tf.erf(neg)];
    const out = y.dataSync();
    const outNeg = yn.dataSync();
    tf.dispose([t, neg, y, yn]);
    let worst = 0;
    xs.forEach((raw, i) => {
      const x = Math.fround(raw);
      if (Number.isNaN(x)) return expect(out[i]).toBeNaN();
      worst = Math.max(worst, Math.abs(out[i]! - erfReference(x)));
      expect(outNeg[i]).toBe(-out[i]!);
    });
    expect(worst).toBeLessThan(5e-7);
  });

  it('GELU (the fused kernels) matches the stock kernels\' ops within 1e-6, gradients included', async () => {
    expect(hasKernel(GELU_KERNEL)).toBe(true);
    const x = tf.randomNormal([64, 97], 0, 2, 'float32', 11);
    const probe = tf.randomNormal([64, 97], 0, 1, 'float32', 12);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gelu(t), probe)));
    const [[fastY, fastG], [stockY, stockG]] = await fastThenStock(() => [gelu(x), grad(x)]);
    expect(tf.max(tf.abs(tf.sub(fastY, stockY))).dataSync()[0]).toBeLessThan(1e-6);
    expect(tf.max(tf.abs(tf.sub(fastG, stockG))).dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([x, probe, fastY, fastG, stockY, stockG]);
  });

  it('Sum over leading axes equals the stock kernel bit for bit; other sums go to it', async () => {
    const cases: Array<[number[], number | number[], boolean]> = [
      [[416, 192], 0, false],
      [[2816, 97], [0], true],
      [[32, 13, 192], [0, 1], false],
      [[32, 13, 190], [1, 0], true],
      [[5, 3], -2, false],
      [[7, 6, 5], [1], false],
      [[7, 6, 5], [2], true],
      [[7, 6, 5], [0, 1, 2], false],
    ];
    const before = tf.memory().numTensors;
    for (const [shape, axis, keepDims] of cases) {
      const x = tf.randomNormal(shape, 0, 3, 'float32', 7);
      const [fast, stock] = await fastThenStock(() => tf.sum(x, axis, keepDims));
      expect(fast.shape).toEqual(stock.shape);
      expect(Array.from(fast.dataSync())).toEqual(Array.from(stock.dataSync()));
      tf.dispose([x, fast, stock]);
    }
    // int32 goes to the stock kernel.
    const i = tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32');
    const s = tf.sum(i, 0);
    expect(s.dtype).toBe('int32');
    expect(Array.from(s.dataSync())).toEqual([4, 6]);
    tf.dispose([i, s]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
