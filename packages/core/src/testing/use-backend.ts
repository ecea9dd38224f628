import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll } from 'vitest';

/**
 * Switches this test file's worker to `backend` (e.g. `wasm`, whose missing and slow kernels the
 * custom gradients work around) and restores the previous backend afterwards. Test files run in
 * separate workers, so other files keep their backend.
 */
export function useBackendForThisFile(backend: string): void {
  let previous = '';
  beforeAll(async () => {
    previous = tf.getBackend();
    await tf.setBackend(backend);
    await tf.ready();
  });
  afterAll(async () => {
    if (previous) await tf.setBackend(previous);
  });
}
