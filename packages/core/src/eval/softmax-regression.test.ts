import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random/mulberry32.js';
import {
  argmaxRows,
  softmaxParameterCount,
  softmaxRegressionLogits,
  softmaxRegressionLoss,
} from './softmax-regression.js';

function problem(rows: number, dim: number, numClasses: number, seed: number) {
  const source = mulberry32(seed);
  const random = () => source.uniform();
  const features = Float64Array.from({ length: rows * dim }, () => 2 * random() - 1);
  const labels = Int32Array.from({ length: rows }, () => Math.floor(random() * numClasses));
  const parameters = Float64Array.from({ length: softmaxParameterCount(dim, numClasses) }, () => random() - 0.5);
  return { data: { features, labels, dim, numClasses }, parameters };
}

describe('softmaxRegressionLoss', () => {
  it('is log(C) at zero parameters', () => {
    const { data } = problem(9, 5, 7, 1);
    const zeros = new Float64Array(softmaxParameterCount(5, 7));
    expect(softmaxRegressionLoss(zeros, data, 0.3)).toBeCloseTo(Math.log(7), 12);
  });

  it('matches central finite differences (row count not a multiple of 4 covers the tail)', () => {
    const { data, parameters } = problem(11, 6, 4, 2);
    const l2 = 0.05;
    const gradient = new Float64Array(parameters.length);
    softmaxRegressionLoss(parameters, data, l2, gradient);
    const h = 1e-6;
    for (let k = 0; k < parameters.length; k++) {
      const plus = Float64Array.from(parameters);
      const minus = Float64Array.from(parameters);
      plus[k] += h;
      minus[k] -= h;
      const numeric = (softmaxRegressionLoss(plus, data, l2) - softmaxRegressionLoss(minus, data, l2)) / (2 * h);
      expect(gradient[k]).toBeCloseTo(numeric, 7);
    }
  });

  it('equals the mean cross-entropy of its logits plus the weight penalty only', () => {
    const { data, parameters } = problem(13, 3, 5, 3);
    const logits = softmaxRegressionLogits(parameters, data.features, 3, 5);
    let expected = 0;
    for (let i = 0; i < 13; i++) {
      const row = Array.from(logits.subarray(i * 5, i * 5 + 5));
      expected += Math.log(row.reduce((a, z) => a + Math.exp(z), 0)) - row[data.labels[i]!]!;
    }
    expected /= 13;
    let weightNorm = 0;
    for (let k = 0; k < 15; k++) weightNorm += parameters[k]! ** 2;
    expect(softmaxRegressionLoss(parameters, data, 0.2)).toBeCloseTo(expected + 0.1 * weightNorm, 12);
  });
});

describe('argmaxRows', () => {
  it('picks the largest score per row, lowest id on ties', () => {
    expect(Array.from(argmaxRows(Float64Array.from([0, 2, 1, 5, 5, -1]), 3))).toEqual([1, 0]);
  });
});
