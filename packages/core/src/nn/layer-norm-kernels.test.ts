import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setWasmFastKernels } from '../backend/kernels/fast-kernels.js';
import { hasKernel } from '../ops/has-kernel.js';
import { LAYER_NORM_KERNEL } from './layer-norm-kernels.js';
import { layerNorm } from './layer-norm.js';

/** Max |a - b| / (1 + |b|) over all elements. */
function maxRelative(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(x.length).toBe(y.length);
  let worst = 0;
  x.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - y[i]!) / (1 + Math.abs(y[i]!)))));
  return worst;
}

describe('fused layer norm (wasm)', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    await setWasmFastKernels(true, { threads: 1 });
  });
  afterAll(async () => {
    await setWasmFastKernels(false);
    await tf.setBackend('cpu');
  });

  const cases: Array<[string, boolean, boolean]> = [['affine', true, true], ['weight only', true, false], ['bias only', false, true], ['plain', false, false]];
  it.each(cases)('%s: value and the gradients of x (and weight, bias) agree with the tensor ops within 2e-6', async (_, withW, withB) => {
    expect(hasKernel(LAYER_NORM_KERNEL)).toBe(true);
    const x = tf.randomNormal([3, 7, 13], 2, 3, 'float32', 1);
    const w = tf.randomNormal([13], 1, 0.5, 'float32', 2);
    const b = tf.randomNormal([13], 0, 0.5, 'float32', 3);
    const probe = tf.randomNormal([3, 7, 13], 0, 1, 'float32', 4);
    // Gradients of the inputs in use (tf.grads refuses an input the function does not read).
    const inputs = [x, ...(withW ? [w] : []), ...(withB ? [b] : [])];
    const f = (...t: tf.Tensor[]) => tf.sum(tf.mul(layerNorm(t[0]!, 1e-6, withW ? t[1] : undefined, withB ? t[withW ? 2 : 1] : undefined), probe));
    const run = () => [layerNorm(x, 1e-6, withW ? w : undefined, withB ? b : undefined), ...tf.grads(f)(inputs)];
    const before = tf.memory().numTensors;
    const fused = run();
    await setWasmFastKernels(false);
    const ops = run();
    await setWasmFastKernels(true, { threads: 1 });
    fused.forEach((t, i) => expect(maxRelative(t, ops[i]!)).toBeLessThan(2e-6));
    expect(fused.length).toBe(1 + inputs.length);
    tf.dispose([...fused, ...ops]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b, probe]);
  });

  it('names a weight whose width is not the last dimension', () => {
    const x = tf.ones([2, 5]);
    const w = tf.ones([4]);
    expect(() => layerNorm(x, 1e-6, w)).toThrow(/weight has shape \[4\]; expected \[5\]/);
    tf.dispose([x, w]);
  });
});
