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

/**
 * Runs `op` with the fast kernels, then with the stock ones, then switches the fast kernels back on
 * (`threads` as {@link useWasmFastKernels} set them); returns both results, to compare.
 */
export async function fastThenStock<T>(op: () => T, threads = 1): Promise<[fast: T, stock: T]> {
  const fast = op();
  await setWasmFastKernels(false);
  const stock = op();
  await setWasmFastKernels(true, { threads });
  return [fast, stock];
}
