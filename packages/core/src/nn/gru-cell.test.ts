import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { useBackendForThisFile } from '../testing/use-backend.js';
import { GruCell } from './gru-cell.js';
import { withInitSeed } from './init.js';

useBackendForThisFile('cpu');

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** PyTorch GRUCell in plain float64 JS, from weights in PyTorch layout `[3H, I]`. */
function referenceStep(x: number[], h: number[], wIh: number[][], wHh: number[][], bIh: number[], bHh: number[]): number[] {
  const H = h.length;
  const dot = (w: number[], v: number[]) => w.reduce((s, wi, i) => s + wi * v[i]!, 0);
  const gi = wIh.map((row, k) => dot(row, x) + bIh[k]!);
  const gh = wHh.map((row, k) => dot(row, h) + bHh[k]!);
  return h.map((hj, j) => {
    const r = sigmoid(gi[j]! + gh[j]!);
    const u = sigmoid(gi[H + j]! + gh[H + j]!);
    const n = Math.tanh(gi[2 * H + j]! + r * gh[2 * H + j]!);
    return (1 - u) * n + u * hj;
  });
}

describe('GruCell', () => {
  it('computes PyTorch GRUCell from its state dict (weights in PyTorch layout)', () => {
    const cell = withInitSeed(3, () => new GruCell(2, 4));
    const state = cell.stateDict();
    expect(state.weight_ih!.shape).toEqual([12, 2]);
    expect(state.weight_hh!.shape).toEqual([12, 4]);
    const rows = (t: tf.Tensor) => (t.arraySync() as number[][]);
    const x = [[0.3, -1.2], [2, 0.5]];
    const h = [[0.1, -0.2, 0.3, 0.4], [-1, 0, 0.5, 0.25]];
    const out = tf.tidy(() => cell.apply(tf.tensor2d(x), tf.tensor2d(h)).arraySync());
    for (let b = 0; b < 2; b++) {
      const expected = referenceStep(x[b]!, h[b]!, rows(state.weight_ih!), rows(state.weight_hh!), Array.from(state.bias_ih!.dataSync()), Array.from(state.bias_hh!.dataSync()));
      out[b]!.forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 5));
    }
    tf.dispose(Object.values(state));
    cell.dispose();
  });

  it('initialises uniformly within 1/sqrt(H), reproducibly under a seed, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const a = withInitSeed(1, () => new GruCell(3, 16));
    const b = withInitSeed(1, () => new GruCell(3, 16));
    const values = Array.from(a.weightHh.dataSync());
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.2);
    expect(Array.from(b.weightHh.dataSync())).toEqual(values);
    tf.tidy(() => {
      a.apply(tf.zeros([5, 3]), tf.zeros([5, 16]));
      expect(() => a.apply(tf.zeros([5, 2]) as tf.Tensor2D, tf.zeros([5, 16]) as tf.Tensor2D)).toThrow(/expected x \[B, 3\]/);
    });
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
