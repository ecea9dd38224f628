import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Optimizer } from '../optim/optimizer.js';
import { useBackendForThisFile } from '../testing/use-backend.js';
import { guardedUpdate, namedGradients, NonFiniteLossError } from './guarded-update.js';

useBackendForThisFile('cpu');

/** An optimizer that records what it was given and applies plain SGD. */
class RecordingSgd implements Optimizer {
  readonly calls: Array<{ grads: Record<string, number[]>; lr: number; weightDecay: number }> = [];
  constructor(private readonly parameters: ReadonlyArray<readonly [string, tf.Variable]>) {}
  step(grads: Record<string, tf.Tensor>, lr: number, weightDecay: number): void {
    this.calls.push({ grads: Object.fromEntries(Object.entries(grads).map(([n, g]) => [n, Array.from(g.dataSync())])), lr, weightDecay });
    for (const [name, v] of this.parameters) {
      const g = grads[name];
      if (g) tf.tidy(() => v.assign(tf.sub(v, tf.mul(g, lr))));
    }
  }
}

describe('guardedUpdate', () => {
  it('differentiates only the named variables, reports loss and gradient norm, and steps the optimizer', () => {
    const a = tf.variable(tf.tensor1d([1, 2]));
    const b = tf.variable(tf.tensor1d([3]));
    const frozen = tf.variable(tf.scalar(0.5));
    const parameters = [['first.a', a], ['second.b', b]] as const;
    const optimizer = new RecordingSgd(parameters);
    // loss = sum(a^2) * frozen + 2 b = 5 * 0.5 + 6 = 8.5; d/da = 2 a * frozen = [1, 2]; d/db = 2.
    const loss = () => tf.add(tf.mul(tf.sum(tf.square(a)), frozen), tf.mul(tf.sum(b), 2)) as tf.Scalar;
    const before = tf.memory().numTensors;
    const result = guardedUpdate(loss, { parameters, optimizer, lr: 0.1, weightDecay: 0.3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.loss).toBeCloseTo(8.5, 6);
    expect(result.gradNorm).toBeCloseTo(Math.sqrt(1 + 4 + 4), 6);
    expect(optimizer.calls).toEqual([{ grads: { 'first.a': [1, 2], 'second.b': [2] }, lr: 0.1, weightDecay: 0.3 }]);
    expect(Array.from(a.dataSync())).toEqual([expect.closeTo(0.9, 6), expect.closeTo(1.8, 6)]);
    expect(frozen.dataSync()[0]).toBe(0.5);
    tf.dispose([a, b, frozen]);
  });

  it('clips each module (first name segment) separately when clipGradNorm is given', () => {
    const a = tf.variable(tf.tensor1d([0, 0]));
    const b = tf.variable(tf.tensor1d([0]));
    const parameters = [['encoder.a', a], ['predictor.b', b]] as const;
    const optimizer = new RecordingSgd(parameters);
    // Gradients: encoder [3, 4] (norm 5, clipped to 1), predictor [0.5] (under the limit).
    const loss = () => tf.add(tf.sum(tf.mul(a, tf.tensor1d([3, 4]))), tf.mul(tf.sum(b), 0.5)) as tf.Scalar;
    const result = guardedUpdate(loss, { parameters, optimizer, lr: 1, weightDecay: 0, clipGradNorm: 1 });
    expect(result.gradNorm).toBeCloseTo(Math.sqrt(25.25), 5);
    const grads = optimizer.calls[0]!.grads;
    expect(grads['encoder.a']).toEqual([expect.closeTo(0.6, 5), expect.closeTo(0.8, 5)]);
    expect(grads['predictor.b']).toEqual([expect.closeTo(0.5, 6)]);
    tf.dispose([a, b]);
  });

  it('throws NonFiniteLossError before any weight changes when the loss or a gradient is not finite', () => {
    const w = tf.variable(tf.tensor1d([0, 1]));
    const parameters = [['module.w', w]] as const;
    const optimizer = new RecordingSgd(parameters);
    const before = tf.memory().numTensors;
    // NaN loss.
    expect(() => guardedUpdate(() => tf.div(tf.sum(w), 0).mul(0) as tf.Scalar, { parameters, optimizer, lr: 1, weightDecay: 0 })).toThrow(NonFiniteLossError);
    // Finite loss (sqrt(0) + sqrt(1) = 1), infinite gradient at w = 0.
    let error: unknown;
    try {
      guardedUpdate(() => tf.sum(tf.sqrt(w)) as tf.Scalar, { parameters, optimizer, lr: 1, weightDecay: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as NonFiniteLossError).loss).toBe(1);
    expect((error as NonFiniteLossError).gradNorm).toBe(Infinity);
    expect((error as Error).message).toMatch(/the update was skipped and the weights are unchanged/);
    expect(optimizer.calls).toHaveLength(0);
    expect(Array.from(w.dataSync())).toEqual([0, 1]);
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });

  it('refuses an empty parameter list and a missing optimizer, saying what to pass', () => {
    const loss = () => tf.scalar(1);
    expect(() => namedGradients(loss, [])).toThrow(/no parameters to differentiate; pass \[name, variable\] pairs/);
    const w = tf.variable(tf.scalar(1));
    expect(() => guardedUpdate(loss, { parameters: [['w', w]], optimizer: undefined as unknown as Optimizer, lr: 1, weightDecay: 0 })).toThrow(/has no step\(grads, lr, weightDecay\)/);
    w.dispose();
  });
});
