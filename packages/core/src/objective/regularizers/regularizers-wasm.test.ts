import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../random/rng.js';
import { useBackendForThisFile } from '../../testing/use-backend.js';
import { covarianceLoss } from './covariance-loss.js';
import { normalMatrix, relativeError, type Matrix } from './float64-reference.js';
import { regularizedLoss } from './regularized-loss.js';
import { EB_JEPA_TWO_ROOMS_REGULARIZERS, regularizerTerms } from './regularizer-terms.js';
import { sigregLoss } from './sigreg-loss.js';
import { temporalSimilarityLoss } from './temporal-similarity-loss.js';
import { varianceHingeLoss } from './variance-hinge-loss.js';

// The wasm backend lacks some kernels (UnsortedSegmentSum, Einsum, ...) and `where` has no usable
// gradient: every regulariser's value and gradient must come out of wasm as out of cpu.
useBackendForThisFile('wasm');

interface Case {
  readonly name: string;
  readonly input: () => tf.Tensor;
  readonly loss: (input: tf.Tensor) => tf.Scalar;
}

const x = normalMatrix(8, 4, 1).map((row) => row.map((v, j) => 0.2 + v * (0.3 + 0.4 * j)));
const sequence = [normalMatrix(4, 3, 2, 0.5), normalMatrix(4, 3, 3, 0.5)];
const directionRows = normalMatrix(6, 4, 4); // 6 directions of width 4, normalised and laid out [4, 6] below
const directions: Matrix = [0, 1, 2, 3].map((d) => directionRows.map((row) => row[d]! / Math.hypot(...row)));

const cases: Case[] = [
  { name: 'varianceHingeLoss', input: () => tf.tensor2d(x), loss: (t) => varianceHingeLoss(t as tf.Tensor2D) },
  { name: 'covarianceLoss', input: () => tf.tensor2d(x), loss: (t) => covarianceLoss(t as tf.Tensor2D) },
  { name: 'temporalSimilarityLoss', input: () => tf.tensor3d(sequence), loss: (t) => temporalSimilarityLoss(t as tf.Tensor3D) },
  { name: 'sigregLoss (given directions)', input: () => tf.tensor2d(x), loss: (t) => sigregLoss(t as tf.Tensor2D, { directions: tf.tensor2d(directions) }) },
  { name: 'sigregLoss (drawn directions)', input: () => tf.tensor2d(x), loss: (t) => sigregLoss(t as tf.Tensor2D, { rng: new Rng(7), numDirections: 16 }) },
  {
    name: 'regularizedLoss(regularizerTerms(...)).total',
    input: () => tf.tensor3d(sequence),
    loss: (t) => regularizedLoss(regularizerTerms(t as tf.Tensor3D, { ...EB_JEPA_TWO_ROOMS_REGULARIZERS, sigreg: { weight: 0.5, numDirections: 8 } }, new Rng(8))).total,
  },
];

/** The loss value and its gradient with respect to the input, on `backend`. */
async function run(backend: string, testCase: Case): Promise<{ value: number; grad: number[] }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const input = testCase.input();
    const { value, grad } = tf.valueAndGrad(testCase.loss)(input);
    return { value: value.dataSync()[0]!, grad: Array.from(grad.dataSync()) };
  });
}

describe('regularisers on the wasm backend', () => {
  for (const testCase of cases) {
    it(`${testCase.name}: same value and gradient as cpu (1e-4), finite, no leaked tensors`, async () => {
      const cpu = await run('cpu', testCase);
      await tf.setBackend('wasm');
      expect(tf.getBackend()).toBe('wasm');
      const before = tf.memory().numTensors;
      const wasm = await run('wasm', testCase);
      expect(tf.memory().numTensors).toBe(before);
      expect(wasm.grad.every(Number.isFinite)).toBe(true);
      expect(wasm.grad.some((g) => g !== 0)).toBe(true);
      expect(relativeError([wasm.value], [cpu.value])).toBeLessThan(1e-4);
      expect(relativeError(wasm.grad, cpu.grad)).toBeLessThan(1e-4);
    });
  }
});
