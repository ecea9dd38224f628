import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { setWasmFastKernels, wasmFastKernelsOn } from '../backend/kernels/fast-kernels.js';
import { useBackendForThisFile } from '../testing/use-backend.js';
import { batchMatMul, matMul2d, matMul2dBias } from './mat-mul.js';

// The custom matMul gradients exist for the wasm backend's sake: check them there against the
// stock tf.matMul gradient (slow on wasm, but correct).
useBackendForThisFile('wasm');

const close = (a: tf.Tensor, b: tf.Tensor) => {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(x.length).toBe(y.length);
  x.forEach((v, i) => expect(v).toBeCloseTo(y[i]!, 4));
};

// Transposed products (fast kernels on) and explicit transposes (stock kernels) both.
describe.each([true, false])('wasm-friendly matMul gradients, fast kernels %s', (fast) => {
  afterAll(async () => {
    await setWasmFastKernels(true, { threads: 1 });
  });

  it('matMul2d: value and both gradients equal the stock op', async () => {
    await setWasmFastKernels(fast, { threads: 1 });
    expect(wasmFastKernelsOn()).toBe(fast);
    expect(tf.getBackend()).toBe('wasm');
    const a = tf.randomNormal([5, 3], 0, 1, 'float32', 1);
    const b = tf.randomNormal([3, 4], 0, 1, 'float32', 2);
    const w = tf.randomNormal([5, 4], 0, 1, 'float32', 3);
    const before = tf.memory().numTensors;
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMul2d(x as tf.Tensor2D, y as tf.Tensor2D), w)))([a, b]);
    const stock = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D), w)))([a, b]);
    close(ours[0]!, stock[0]!);
    close(ours[1]!, stock[1]!);
    tf.dispose([...ours, ...stock]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('matMul2dBias: value and the three gradients equal the stock ops (a product, then an addition)', () => {
    const a = tf.randomNormal([6, 3], 0, 1, 'float32', 11);
    const b = tf.randomNormal([3, 9], 0, 1, 'float32', 12);
    const bias = tf.randomNormal([9], 0, 1, 'float32', 13);
    const w = tf.randomNormal([6, 9], 0, 1, 'float32', 14);
    const before = tf.memory().numTensors;
    const f = (op: (x: tf.Tensor2D, y: tf.Tensor2D, z: tf.Tensor) => tf.Tensor) => tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => tf.sum(tf.mul(op(x as tf.Tensor2D, y as tf.Tensor2D, z), w)))([a, b, bias]);
    const ours = f(matMul2dBias);
    const stock = f((x, y, z) => tf.add(tf.matMul(x, y), z));
    for (let i = 0; i < 3; i++) close(ours[i]!, stock[i]!);
    const value = matMul2dBias(a as tf.Tensor2D, b as tf.Tensor2D, bias);
    const want = tf.tidy(() => tf.add(tf.matMul(a, b), bias));
    close(value, want);
    tf.dispose([...ours, ...stock, value, want]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('batchMatMul with and without transposeB equals the stock op', () => {
    const a = tf.randomNormal([2, 3, 4], 0, 1, 'float32', 4);
    const b = tf.randomNormal([2, 4, 5], 0, 1, 'float32', 5);
    const bt = tf.randomNormal([2, 5, 4], 0, 1, 'float32', 6);
    const w = tf.randomNormal([2, 3, 5], 0, 1, 'float32', 7);
    for (const [y, transposeB] of [[b, false], [bt, true]] as const) {
      close(batchMatMul(a as tf.Tensor3D, y as tf.Tensor3D, transposeB), tf.matMul(a, y, false, transposeB));
      const ours = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(batchMatMul(p as tf.Tensor3D, q as tf.Tensor3D, transposeB), w)))([a, y]);
      const stock = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.matMul(p, q, false, transposeB), w)))([a, y]);
      close(ours[0]!, stock[0]!);
      close(ours[1]!, stock[1]!);
    }
  });
});
