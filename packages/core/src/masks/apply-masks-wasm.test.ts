import * as tf from '@tensorflow/tfjs';
import { expect, it } from 'vitest';
import { useBackendForThisFile } from '../testing/use-backend.js';
import { applyMasks, repeatInterleaveBatch } from './apply-masks.js';

// The wasm backend lacks UnsortedSegmentSum (tf.gather's stock gradient): the masks' gradient
// path must avoid it. This file switches its own worker to wasm.
useBackendForThisFile('wasm');

it('differentiates applyMasks + repeatInterleaveBatch on the wasm backend', () => {
  expect(tf.getBackend()).toBe('wasm');
  const x = tf.randomNormal([2, 5, 3]) as tf.Tensor3D;
  const masks = [tf.tensor2d([[0, 1], [4, 4]], [2, 2], 'int32'), tf.tensor2d([[2, 3], [0, 0]], [2, 2], 'int32')];
  const before = tf.memory().numTensors;
  const grad = tf.grad((t: tf.Tensor) => tf.sum(repeatInterleaveBatch(applyMasks(t as tf.Tensor3D, masks), 2, 3)))(x);
  // Every pick is repeated 3 times; sample 1 picks tokens 4 and 0 twice each.
  const three = [3, 3, 3];
  const six = [6, 6, 6];
  const zero = [0, 0, 0];
  expect(grad.arraySync()).toEqual([[three, three, three, three, zero], [six, zero, zero, zero, six]]);
  grad.dispose();
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([x, ...masks]);
});
