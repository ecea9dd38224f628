import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { hasKernel } from '../ops/has-kernel.js';
import { LAYER_NORM_GRAD_KERNEL, LAYER_NORM_KERNEL, layerNormRows, layerNormRowsBackward } from './layer-norm-kernels.js';
import { layerNorm } from './layer-norm.js';
import { fastThenStock, useWasmFastKernels } from '../backend/kernels/use-fast-kernels.js';

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
  useWasmFastKernels();

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
    const [fused, ops] = await fastThenStock(run);
    fused.forEach((t, i) => expect(maxRelative(t, ops[i]!)).toBeLessThan(2e-6));
    expect(fused.length).toBe(1 + inputs.length);
    tf.dispose([...fused, ...ops]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b, probe]);
  });

  it('the plain-JS fallback (layerNormRows and its backward) agrees with the SIMD kernels within 1e-6', () => {
    const d = 13;
    const rows = 11;
    const [x, w, b, dy] = [[rows, d], [d], [d], [rows, d]].map((s, i) => tf.randomNormal(s, i === 1 ? 1 : 0, 2, 'float32', 20 + i));
    const [y, mean, rstd] = tf.engine().runKernel(LAYER_NORM_KERNEL, { x: x!, weight: w!, bias: b! }, { eps: 1e-5 }) as tf.Tensor[];
    const [dx, dw, db] = tf.engine().runKernel(LAYER_NORM_GRAD_KERNEL, { x: x!, mean: mean!, rstd: rstd!, dy: dy!, weight: w! }) as tf.Tensor[];
    const js = { y: new Float32Array(rows * d), mean: new Float32Array(rows), rstd: new Float32Array(rows), dx: new Float32Array(rows * d), dw: new Float32Array(d), db: new Float32Array(d) };
    layerNormRows(x!.dataSync(), d, 1e-5, w!.dataSync(), b!.dataSync(), js.y, js.mean, js.rstd);
    layerNormRowsBackward(x!.dataSync(), d, js.mean, js.rstd, dy!.dataSync(), w!.dataSync(), js.dx, js.dw, js.db);
    const pairs: Array<[tf.Tensor, Float32Array]> = [[y!, js.y], [mean!, js.mean], [rstd!, js.rstd], [dx!, js.dx], [dw!, js.dw], [db!, js.db]];
    for (const [t, a] of pairs) {
      const ref = tf.tensor(a, t.shape);
      expect(maxRelative(t, ref)).toBeLessThan(1e-6);
      ref.dispose();
    }
    tf.dispose([x!, w!, b!, dy!, y!, mean!, rstd!, dx!, dw!, db!]);
  });

  it('names a weight whose width is not the last dimension', () => {
    const x = tf.ones([2, 5]);
    const w = tf.ones([4]);
    expect(() => layerNorm(x, 1e-6, w)).toThrow(/weight has shape \[4\]; expected \[5\]/);
    tf.dispose([x, w]);
  });
});
