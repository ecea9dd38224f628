import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, expect } from 'vitest';
import { setWasmFastKernels } from './fast-kernels.js';

/**
 * For a test `describe` (not part of the package's entries): switches to the wasm backend with the
 * fast kernels on (one thread unless asked) before its tests, and back to the stock kernels and the
 * cpu backend after.
 */
export function useWasmFastKernels(threads = 1): void {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    expect(await setWasmFastKernels(true, { threads })).toBe(true);
  });
  afterAll(async () => {
    await setWasmFastKernels(false);
    await tf.setBackend('cpu');
  });
}
